/**
 * The inference process entry: the only process that runs node-llama-cpp. Started by the host as an Electron
 * utilityProcess (desktop) or a child_process.fork (headless, tests); it speaks the same messages either way.
 */
import { AppError, toErrorEnvelope } from '../../shared/errors';
import { DeltaBatcher } from '../lib/deltaBatcher';
import { Engine } from './engine';
import { nodeLlamaCpp } from './nodeLlamaCpp';
import type { HostMessage, WorkerInit, WorkerMessage } from './protocol';

interface ParentPort { on(event: 'message', cb: (e: { data: unknown }) => void): void; postMessage(m: unknown): void }
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: WorkerMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onMessage(handler: (m: HostMessage) => void): void {
  if (parentPort) parentPort.on('message', (e) => handler(e.data as HostMessage));
  else process.on('message', (m) => handler(m as HostMessage));
}

const init: WorkerInit = JSON.parse(process.argv[2] ?? '{"gpu":"auto"}');
const nativeLog: string[] = [];

const enginePromise = (async () => {
  const { getLlama, LlamaLogLevel } = await nodeLlamaCpp();
  const llama = await getLlama({
    gpu: init.gpu === 'off' ? false : init.gpu,
    build: 'never',
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      const line = `${level}: ${message}`;
      nativeLog.push(line);
      if (nativeLog.length > 200) nativeLog.splice(0, 100);
      if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) send({ type: 'log', level, message });
    },
  }).catch((error: unknown) => {
    const detail = error instanceof Error ? error.message : String(error);
    const why = /NoBinaryFound/i.test(`${detail} ${(error as Error)?.name}`)
      ? `this machine has no working ${init.gpu.toUpperCase()} setup (GPU, driver or runtime) that llama.cpp can use`
      : detail;
    throw new AppError('ENGINE_UNAVAILABLE', `llama.cpp could not start with --gpu ${init.gpu}: ${why}. Start Hearth with --gpu auto (or off) instead.`);
  });
  send({ type: 'ready', gpu: llama.gpu === false ? 'cpu' : llama.gpu });
  return new Engine(llama, () => nativeLog);
})();
// Failures reach the host through each request's answer; this only keeps Node from exiting on them.
enginePromise.catch(() => undefined);

const requests = new Map<number, AbortController>();
const TEXT_FLUSH_MS = 25;

async function handle(m: HostMessage): Promise<void> {
  if (m.type === 'abort') {
    requests.get(m.id)?.abort();
    return;
  }
  try {
    const engine = await enginePromise;
    switch (m.type) {
      case 'load':
        send({ type: 'result', id: m.id, ok: true, value: await engine.load(m.path, m.options) });
        break;
      case 'unload':
        await engine.unload();
        send({ type: 'result', id: m.id, ok: true, value: null });
        break;
      case 'generate': {
        const controller = new AbortController();
        requests.set(m.id, controller);
        // Tokens are coalesced here too: one message per token would keep this process's JS thread, which
        // also drives llama.cpp's sampling loop, busy serialising instead of generating.
        const batcher = new DeltaBatcher(TEXT_FLUSH_MS, (text) => send({ type: 'text', id: m.id, text }));
        let result;
        try {
          result = await engine.generate(m.turns, m.options, controller.signal, (text) => batcher.push(text));
        } finally {
          // What was generated goes out before the result or the error, so nothing streamed is lost.
          batcher.flush();
          requests.delete(m.id);
        }
        send({ type: 'result', id: m.id, ok: true, value: result });
        break;
      }
    }
  } catch (error) {
    send({ type: 'result', id: m.id, ok: false, error: toErrorEnvelope(error) });
  }
}

onMessage((m) => void handle(m));
// A parent that goes away takes this process with it, so no orphan keeps a model in memory.
process.on('disconnect', () => process.exit(0));
