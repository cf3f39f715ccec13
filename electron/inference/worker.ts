/**
 * The inference process entry: the only process that runs node-llama-cpp. Started by the host as an Electron
 * utilityProcess (desktop) or a child_process.fork (headless, tests); it speaks the same messages either way.
 */
import type { Llama } from 'node-llama-cpp';
import type { z } from 'zod';
import { AppError, toErrorEnvelope } from '../../shared/errors';
import { DeltaBatcher } from '../lib/deltaBatcher';
import { logError, logWarn, startWorkerLog } from '../lib/log';
import { Engine, probeBackend, type Startup } from './engine';
import { nodeLlamaCpp } from './nodeLlamaCpp';
import {
  BACKEND_NAMES,
  backendChain,
  HostMessage,
  jobs,
  WorkerInit,
  type Backend,
  type BackendFailure,
  type GenerateEvent,
  type JobName,
  type WorkerMessage,
} from './protocol';

interface ParentPort {
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  postMessage(m: unknown): void;
}
const parentPort: ParentPort | undefined = Reflect.get(process, 'parentPort');

function send(message: WorkerMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onMessage(handler: (m: unknown) => void): void {
  if (parentPort) parentPort.on('message', (e) => handler(e.data));
  else process.on('message', handler);
}

function parseInit(raw: string | undefined): WorkerInit {
  try {
    return WorkerInit.parse(JSON.parse(raw ?? '{}'));
  } catch {
    return { gpu: 'auto' };
  }
}

// Warnings, errors and crashes go to the app's daily log (never the text of messages).
startWorkerLog();
const init = parseInit(process.argv[2]);
const nativeLog: string[] = [];

/** Runs `fn` with node-llama-cpp's console warnings kept: when a backend will not load, they say why. */
async function keepingWarnings<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; warnings: string[] }> {
  const warnings: string[] = [];
  const { warn, error: err } = console;
  const keep = (...args: unknown[]): void => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  console.warn = keep;
  console.error = keep;
  try {
    return { value: await fn(), warnings };
  } catch (error) {
    return { error, warnings };
  } finally {
    console.warn = warn;
    console.error = err;
  }
}

function whyFailed(backend: Backend, error: unknown, warnings: string[]): string {
  const detail = error instanceof Error ? error.message : String(error);
  const said = warnings
    .map((w) => w.replace(/^\[node-llama-cpp\]\s*/, '').trim())
    .filter(Boolean)
    .slice(-2)
    .join(' ');
  const name = BACKEND_NAMES[backend];
  const base = /NoBinaryFound/i.test(`${detail} ${error instanceof Error ? error.name : ''}`)
    ? `no ${name} setup (GPU, driver or runtime) that llama.cpp can use was found`
    : detail;
  return `${base}${said ? ` (node-llama-cpp: ${said})` : ''}`.slice(0, 600);
}

/**
 * Starts llama.cpp on the first backend of the fallback chain that works. A backend whose getLlama throws is
 * skipped with its reason; a GPU backend must also run one decode of a tiny model (see probeBackend), because a
 * prebuilt binary can load and then abort at its first kernel (CUDA on an H100 with a driver older than its PTX).
 * Such an abort kills this process: the host sees it die after 'starting' and before 'ready', and starts the
 * next process with that backend excluded.
 */
async function startLlama(): Promise<{ llama: Llama; startup: Startup }> {
  const { getLlama, getLlamaGpuTypes, LlamaLogLevel } = await nodeLlamaCpp();
  const detected = (await getLlamaGpuTypes('supported')).flatMap((g) => (g === false ? [] : [g]));
  const chain = backendChain(init.gpu, process.platform, detected);
  const fallbacks: BackendFailure[] = [];
  if (init.gpu !== 'off' && init.gpu !== 'auto' && !chain.includes(init.gpu))
    fallbacks.push({
      backend: init.gpu,
      reason: `${BACKEND_NAMES[init.gpu]} does not run on ${process.platform === 'darwin' ? 'macOS' : 'this system'}.`,
    });
  for (const backend of chain) {
    const known = init.exclude?.find((f) => f.backend === backend);
    if (known) {
      fallbacks.push(known);
      continue;
    }
    send({ type: 'starting', backend });
    const started = await keepingWarnings(async () => {
      const llama = await getLlama({
        gpu: backend === 'cpu' ? false : backend,
        build: 'never',
        logLevel: LlamaLogLevel.warn,
        logger: (level, message) => {
          const line = `${level}: ${message}`;
          nativeLog.push(line);
          if (nativeLog.length > 200) nativeLog.splice(0, 100);
          if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) {
            send({ type: 'log', level, message });
            logError(`llama.cpp ${level}: ${message}`);
          }
        },
      });
      if (backend !== 'cpu')
        await probeBackend(llama).catch(async (error: unknown) => {
          await llama.dispose().catch(() => undefined);
          throw error;
        });
      return llama;
    });
    if (started.value) {
      const devices = backend === 'cpu' ? [] : await started.value.getGpuDeviceNames().catch(() => []);
      return { llama: started.value, startup: { backend, devices, fallbacks } };
    }
    const reason = whyFailed(backend, started.error, started.warnings);
    fallbacks.push({ backend, reason });
    logWarn(`llama.cpp could not start on ${BACKEND_NAMES[backend]}: ${reason}`);
  }
  throw new AppError(
    'ENGINE_UNAVAILABLE',
    `llama.cpp could not start on any backend (${fallbacks.map((f) => `${BACKEND_NAMES[f.backend]}: ${f.reason}`).join('; ')}).`,
  );
}

const enginePromise = (async () => {
  const { llama, startup } = await startLlama();
  send({ type: 'ready', gpu: llama.gpu === false ? 'cpu' : llama.gpu, ...startup });
  return new Engine(
    llama,
    () => nativeLog,
    startup,
    (message) => {
      send({ type: 'log', level: 'warn', message });
      logWarn(message);
    },
  );
})();
// Failures reach the host through each job's answer; this only keeps Node from exiting on them.
enginePromise.catch(() => undefined);

/**
 * Every job's controller is registered the moment its message arrives, before anything is awaited, so an abort
 * that comes right behind it (even in the same tick) always finds it. An abort for an id not seen yet is kept,
 * and cancels that job when it arrives.
 */
const controllers = new Map<number, AbortController>();
const abortedEarly = new Set<number>();
const TEXT_FLUSH_MS = 25;

/** Parses a job's input; input that does not match is the host's bug: say so plainly instead of a zod dump. */
function parse<S extends z.ZodType>(schema: S, raw: unknown, job: JobName): z.output<S> {
  const ok = schema.safeParse(raw);
  if (!ok.success) throw new AppError('BAD_INPUT', `The ${job} job got input it cannot use: ${ok.error.issues[0]?.message ?? 'invalid'}.`);
  return ok.data;
}

interface Out {
  /** Streamed text and thoughts, coalesced. */
  stream: (e: GenerateEvent) => void;
  progress: (done: number) => void;
}

function run(job: JobName, engine: Engine, raw: unknown, signal: AbortSignal, out: Out): Promise<unknown> | unknown {
  switch (job) {
    case 'load':
      return engine.load(parse(jobs.load.input, raw, job));
    case 'unload':
      return engine.unload(parse(jobs.unload.input, raw, job).slot).then(() => null);
    case 'generate':
      return engine.generate(parse(jobs.generate.input, raw, job), signal, out.stream);
    case 'complete':
      return engine.complete(parse(jobs.complete.input, raw, job), signal, out.stream);
    case 'embed':
      return engine.embed(parse(jobs.embed.input, raw, job), signal, out.progress);
    case 'rank':
      return engine.rank(parse(jobs.rank.input, raw, job), signal);
    case 'tokenize':
      return engine.tokenize(parse(jobs.tokenize.input, raw, job));
    case 'measure':
      return engine.measure(parse(jobs.measure.input, raw, job));
    case 'inspect':
      return engine.inspect(parse(jobs.inspect.input, raw, job), signal);
    case 'status':
      return engine.status();
    default:
      return job satisfies never;
  }
}

/**
 * Streamed text and thoughts are coalesced: one message per token would keep this process's JS thread, which
 * also drives llama.cpp's sampling and batching loop, busy serialising instead of generating. A change of kind
 * flushes the other first, so the order of text and thoughts is kept.
 */
function coalescer(id: number): { push: (e: GenerateEvent) => void; flush: () => void } {
  const batchers = {
    text: new DeltaBatcher(TEXT_FLUSH_MS, (text) => send({ type: 'event', id, event: { kind: 'text', text } })),
    thought: new DeltaBatcher(TEXT_FLUSH_MS, (text) => send({ type: 'event', id, event: { kind: 'thought', text } })),
  };
  let last: GenerateEvent['kind'] = 'text';
  return {
    push: (e) => {
      if (e.kind !== last) batchers[last].flush();
      last = e.kind;
      batchers[e.kind].push(e.text);
    },
    flush: () => {
      batchers.thought.flush();
      batchers.text.flush();
    },
  };
}

async function handle(raw: unknown): Promise<void> {
  const parsed = HostMessage.safeParse(raw);
  if (!parsed.success) return; // not from our host: nothing to answer
  const m = parsed.data;
  switch (m.type) {
    case 'ping':
      send({ type: 'pong', n: m.n });
      return;
    case 'abort': {
      const c = controllers.get(m.id);
      if (c) c.abort();
      else abortedEarly.add(m.id);
      return;
    }
    case 'job':
      break;
    default:
      return m satisfies never;
  }
  const controller = new AbortController();
  controllers.set(m.id, controller);
  if (abortedEarly.delete(m.id)) controller.abort();
  const stream = coalescer(m.id);
  const out: Out = { stream: stream.push, progress: (done) => send({ type: 'event', id: m.id, event: { done } }) };
  try {
    const engine = await enginePromise;
    const value = await run(m.job, engine, m.input, controller.signal, out);
    stream.flush();
    send({ type: 'result', id: m.id, ok: true, value: value ?? null });
  } catch (error) {
    // What was generated goes out before the error, so nothing streamed is lost.
    stream.flush();
    send({ type: 'result', id: m.id, ok: false, error: toErrorEnvelope(error) });
  } finally {
    controllers.delete(m.id);
  }
}

onMessage((m) => void handle(m));
// A parent that goes away takes this process with it, so no orphan keeps a model in memory.
process.on('disconnect', () => process.exit(0));
