import { describe, expect, it } from 'vitest';
import { InferenceHost, lastLine, type WorkerHandle, type WorkerSpawner } from '../../../electron/inference/host';
import type { HostMessage, WorkerInit, WorkerMessage } from '../../../electron/inference/protocol';

/**
 * No GPU can run here, so a GPU backend crash is played by a scripted process; every other host behaviour is
 * tested on the real inference process (test/model/inference.test.ts).
 */
function scripted(behave: (init: WorkerInit, m: HostMessage, reply: (w: WorkerMessage) => void, die: (stderr: string) => void) => void): {
  spawner: WorkerSpawner;
  inits: WorkerInit[];
} {
  const inits: WorkerInit[] = [];
  const spawner: WorkerSpawner = (init) => {
    inits.push(init);
    const onMessage: ((m: WorkerMessage) => void)[] = [];
    const onExit: ((e: { code: number | null; signal: string | null }) => void)[] = [];
    let stderr = '';
    const handle: WorkerHandle = {
      pid: 1000 + inits.length,
      postMessage: (m) =>
        queueMicrotask(() =>
          behave(
            init,
            m,
            (w) => onMessage.forEach((l) => l(w)),
            (text) => {
              stderr = text;
              onExit.forEach((l) => l({ code: null, signal: 'SIGABRT' }));
            },
          ),
        ),
      onMessage: (l) => onMessage.push(l),
      onExit: (l) => onExit.push(l),
      stderrTail: () => stderr,
      kill: () => onExit.forEach((l) => l({ code: null, signal: 'SIGKILL' })),
    };
    return handle;
  };
  return { spawner, inits };
}

const model = {
  slot: 'chat',
  path: '/m.gguf',
  name: 'm',
  trainContextSize: 4096,
  contextSize: 4096,
  gpu: 'cpu',
  gpuLayers: 0,
  chatTemplate: 'ChatML',
  isTestModel: false,
  sequences: 1,
  threads: 1,
  embeddingSize: 64,
};
const LOAD = { slot: 'chat' as const, path: '/m.gguf', options: { contextSize: 0, threads: 0 } };

describe('InferenceHost after a GPU backend crash', () => {
  it('reports the GPU error and starts the next process without the GPU', async () => {
    const { spawner, inits } = scripted((init, m, reply, die) => {
      if (m.type !== 'job' || m.job !== 'load') return;
      if (init.gpu !== 'off') {
        reply({ type: 'log', level: 'error', message: 'CUDA error: the provided PTX was compiled with an unsupported toolchain.\n' });
        die('/src/ggml-cuda/ggml-cuda.cu:108: CUDA error\n/lib/libggml-base.so(ggml_abort+0x152)\n');
      } else {
        reply({ type: 'result', id: m.id, ok: true, value: model });
      }
    });
    const host = new InferenceHost(spawner, { gpu: 'auto' });
    const error = await host.load(LOAD).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /stopped unexpectedly \(killed by SIGABRT\): CUDA error: the provided PTX was compiled with an unsupported toolchain\./,
    );
    expect((error as Error).message).toMatch(/now runs models on the CPU/);
    expect(host.gpuChoice).toBe('off');
    await expect(host.load(LOAD)).resolves.toMatchObject({ gpu: 'cpu' });
    expect(inits.map((i) => i.gpu)).toEqual(['auto', 'off']);
  });

  it('keeps the GPU after a crash that was not the GPU backend', async () => {
    const { spawner, inits } = scripted((_init, m, _reply, die) => {
      if (m.type === 'job' && m.job === 'load') die('Segmentation fault in tokenizer\n');
    });
    const host = new InferenceHost(spawner, { gpu: 'cuda' });
    await expect(host.load(LOAD)).rejects.toThrow(/Segmentation fault/);
    expect(host.gpuChoice).toBe('cuda');
    expect(inits).toEqual([{ gpu: 'cuda' }]);
  });

  it("quotes the telling line of a dying process, not Node's version banner", () => {
    expect(lastLine('llama.cpp:12: GGML_ASSERT(x) failed\n    at foo\nNode.js v20.20.2\n')).toBe('llama.cpp:12: GGML_ASSERT(x) failed');
    expect(lastLine('just one line')).toBe('just one line');
    expect(lastLine('/src/ggml-cuda.cu:108: CUDA error\n/lib/libggml-base.so(ggml_abort+0x152)[0x7f89]\n')).toBe(
      '/src/ggml-cuda.cu:108: CUDA error',
    );
  });
});
