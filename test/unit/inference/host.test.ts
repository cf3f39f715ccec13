import { describe, expect, it } from 'vitest';
import { InferenceHost, lastLine, type WorkerHandle, type WorkerSpawner } from '../../../electron/inference/host';
import { backendChain, type Backend, type HostMessage, type WorkerInit, type WorkerMessage } from '../../../electron/inference/protocol';

type Reply = (w: WorkerMessage) => void;
type Die = (stderr: string, signal?: string) => void;

/**
 * No GPU can run here, so GPU backend failures are played by a scripted process: `start` runs when it is spawned
 * (what the real worker says while llama.cpp starts), `behave` on each message. Every other host behaviour, and
 * the fallback chain with the real worker, are tested on the real inference process (test/model/).
 */
function scripted(
  start: (init: WorkerInit, reply: Reply, die: Die) => void,
  behave: (init: WorkerInit, m: HostMessage, reply: Reply, die: Die) => void = () => undefined,
): { spawner: WorkerSpawner; inits: WorkerInit[]; received: HostMessage[][] } {
  const inits: WorkerInit[] = [];
  const received: HostMessage[][] = [];
  const spawner: WorkerSpawner = (init) => {
    inits.push(init);
    const got: HostMessage[] = [];
    received.push(got);
    const onMessage: ((m: WorkerMessage) => void)[] = [];
    const onExit: ((e: { code: number | null; signal: string | null }) => void)[] = [];
    let stderr = '';
    let dead = false;
    const reply: Reply = (w) => {
      if (!dead) onMessage.forEach((l) => l(w));
    };
    const die: Die = (text, signal = 'SIGABRT') => {
      if (dead) return;
      dead = true;
      stderr = text;
      onExit.forEach((l) => l({ code: null, signal }));
    };
    const handle: WorkerHandle = {
      pid: 1000 + inits.length,
      postMessage: (m) => {
        if (dead) return;
        got.push(m);
        queueMicrotask(() => behave(init, m, reply, die));
      },
      onMessage: (l) => onMessage.push(l),
      onExit: (l) => onExit.push(l),
      stderrTail: () => stderr,
      kill: () => die('', 'SIGKILL'),
    };
    queueMicrotask(() => start(init, reply, die));
    return handle;
  };
  return { spawner, inits, received };
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

/** The first backend of the chain the scripted process was not told to skip. */
function firstBackend(init: WorkerInit, chain: Backend[]): Backend {
  return chain.find((b) => !init.exclude?.some((e) => e.backend === b)) ?? 'cpu';
}

const ready = (backend: Backend): WorkerMessage => ({ type: 'ready', gpu: backend, backend, devices: [], fallbacks: [] });

describe('InferenceHost after a GPU backend crash', () => {
  it('reports the GPU error and starts the next process without the backend that crashed', async () => {
    const { spawner, inits } = scripted(
      (init, reply) => {
        const backend = firstBackend(init, ['cuda', 'vulkan', 'cpu']);
        reply({ type: 'starting', backend });
        reply(ready(backend));
      },
      (init, m, reply, die) => {
        if (m.type !== 'job' || m.job !== 'load') return;
        if (firstBackend(init, ['cuda', 'vulkan', 'cpu']) === 'cuda') {
          reply({ type: 'log', level: 'error', message: 'CUDA error: the provided PTX was compiled with an unsupported toolchain.\n' });
          die('/src/ggml-cuda/ggml-cuda.cu:108: CUDA error\n/lib/libggml-base.so(ggml_abort+0x152)\n');
        } else {
          reply({ type: 'result', id: m.id, ok: true, value: { ...model, gpu: 'vulkan' } });
        }
      },
    );
    const host = new InferenceHost(spawner, { gpu: 'cuda' });
    const error = await host.load(LOAD).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /stopped unexpectedly \(killed by SIGABRT\): CUDA error: the provided PTX was compiled with an unsupported toolchain\./,
    );
    expect((error as Error).message).toMatch(/came from the CUDA backend, so Hearth now tries Vulkan, then the CPU/);
    expect(host.fallbacks).toEqual([{ backend: 'cuda', reason: expect.stringMatching(/crashed in it \(killed by SIGABRT\): CUDA error/) }]);
    await expect(host.load(LOAD)).resolves.toMatchObject({ gpu: 'vulkan' });
    expect(host.backend).toBe('vulkan');
    expect(inits).toEqual([{ gpu: 'cuda' }, { gpu: 'cuda', exclude: host.fallbacks }]);
  });

  it('keeps the backend after a crash that was not the GPU backend', async () => {
    const { spawner, inits } = scripted(
      (_init, reply) => {
        reply({ type: 'starting', backend: 'cuda' });
        reply(ready('cuda'));
      },
      (_init, m, _reply, die) => {
        if (m.type === 'job' && m.job === 'load') die('Segmentation fault in tokenizer\n');
      },
    );
    const host = new InferenceHost(spawner, { gpu: 'cuda' });
    await expect(host.load(LOAD)).rejects.toThrow(/Segmentation fault/);
    expect(host.fallbacks).toEqual([]);
    expect(inits).toEqual([{ gpu: 'cuda' }]);
  });
});

describe('InferenceHost when a backend kills the process while it starts', () => {
  it('starts the next process without that backend and hands it the jobs that were waiting', async () => {
    const { spawner, inits, received } = scripted(
      (init, reply, die) => {
        const backend = firstBackend(init, ['vulkan', 'cpu']);
        reply({ type: 'starting', backend });
        if (backend === 'vulkan') die('ggml_vulkan: Device lost\n');
        else reply(ready('cpu'));
      },
      (init, m, reply) => {
        if (m.type === 'job' && firstBackend(init, ['vulkan', 'cpu']) === 'cpu')
          reply({ type: 'result', id: m.id, ok: true, value: m.job === 'load' ? model : null });
      },
    );
    const host = new InferenceHost(spawner, { gpu: 'vulkan' });
    await expect(host.load(LOAD)).resolves.toMatchObject({ path: '/m.gguf' });
    expect(host.fallbacks).toEqual([
      { backend: 'vulkan', reason: 'the inference process aborted while starting it: ggml_vulkan: Device lost' },
    ]);
    expect(inits).toEqual([{ gpu: 'vulkan' }, { gpu: 'vulkan', exclude: host.fallbacks }]);
    // The load went to the first process, which died, and again to the second.
    expect(received.map((r) => r.filter((m) => m.type === 'job').map((m) => (m.type === 'job' ? m.job : '')))).toEqual([
      ['load'],
      ['load'],
    ]);
    expect(host.getState()).toMatchObject({ status: 'ready' });
  });

  it('carries an abort over to the next process, so a job cancelled meanwhile stays cancelled', async () => {
    const { spawner, received } = scripted((init, reply, die) => {
      const backend = firstBackend(init, ['cuda', 'vulkan', 'cpu']);
      reply({ type: 'starting', backend });
      if (backend === 'cuda') die('CUDA error\n');
      else reply(ready('cpu'));
    });
    const host = new InferenceHost(spawner, { gpu: 'cuda' });
    const controller = new AbortController();
    const job = host.job('tokenize', { text: 'hello' }, { signal: controller.signal });
    // Aborted before the first process got as far as starting CUDA, which then kills it.
    controller.abort();
    await expect.poll(() => received[1]?.map((m) => m.type)).toEqual(['job', 'abort']);
    void job.catch(() => undefined);
    await host.dispose(50);
  });

  it('fails the jobs as a crash when the process dies starting the CPU, the end of the chain', async () => {
    const { spawner, inits } = scripted((_init, reply, die) => {
      reply({ type: 'starting', backend: 'cpu' });
      die('Illegal instruction\n', 'SIGILL');
    });
    const host = new InferenceHost(spawner, { gpu: 'off' });
    await expect(host.load(LOAD)).rejects.toThrow(/stopped unexpectedly \(killed by SIGILL\): Illegal instruction/);
    expect(host.fallbacks).toEqual([]);
    expect(inits).toHaveLength(1);
  });

  it('does not try a backend again that already failed, even if a process says it starts it', async () => {
    const { spawner, inits } = scripted((_init, reply, die) => {
      reply({ type: 'starting', backend: 'vulkan' });
      die('Device lost\n');
    });
    const host = new InferenceHost(spawner, { gpu: 'vulkan' });
    await expect(host.load(LOAD)).rejects.toThrow(/stopped unexpectedly \(killed by SIGABRT\): Device lost/);
    expect(inits).toHaveLength(2);
    expect(host.fallbacks.map((f) => f.backend)).toEqual(['vulkan']);
  });
});

describe('lastLine', () => {
  it("quotes the telling line of a dying process, not Node's version banner", () => {
    expect(lastLine('llama.cpp:12: GGML_ASSERT(x) failed\n    at foo\nNode.js v20.20.2\n')).toBe('llama.cpp:12: GGML_ASSERT(x) failed');
    expect(lastLine('just one line')).toBe('just one line');
    expect(lastLine('/src/ggml-cuda.cu:108: CUDA error\n/lib/libggml-base.so(ggml_abort+0x152)[0x7f89]\n')).toBe(
      '/src/ggml-cuda.cu:108: CUDA error',
    );
  });
});

describe('backendChain', () => {
  it('goes CUDA, then Vulkan, then the CPU, starting where the named backend stands', () => {
    expect(backendChain('cuda', 'linux')).toEqual(['cuda', 'vulkan', 'cpu']);
    expect(backendChain('vulkan', 'win32')).toEqual(['vulkan', 'cpu']);
    expect(backendChain('off', 'linux')).toEqual(['cpu']);
  });

  it('tries only detected GPU backends for auto, and Metal on macOS', () => {
    expect(backendChain('auto', 'linux', ['vulkan'])).toEqual(['vulkan', 'cpu']);
    expect(backendChain('auto', 'linux', [])).toEqual(['cpu']);
    expect(backendChain('auto', 'darwin', ['metal'])).toEqual(['metal', 'cpu']);
    expect(backendChain('cuda', 'darwin', ['metal'])).toEqual(['metal', 'cpu']);
    expect(backendChain('metal', 'linux', ['cuda'])).toEqual(['cuda', 'cpu']);
  });
});
