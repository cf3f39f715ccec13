import { AppError, type ErrorEnvelope } from '../../shared/errors';
import type { EngineState } from '../../shared/types';
import { logWarn } from '../lib/log';
import {
  BACKEND_NAMES,
  backendChain,
  jobs,
  WorkerMessage,
  type Backend,
  type BackendFailure,
  type HostMessage,
  type JobEvent,
  type JobInput,
  type JobName,
  type JobResult,
  type Slot,
  type SlotModel,
  type WorkerInit,
} from './protocol';

/** What the host needs from a started inference process, whichever way it was started. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  postMessage(message: HostMessage): void;
  /** Messages arrive untyped: the host parses each one against the protocol. */
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: { code: number | null; signal: string | null }) => void): void;
  /** The last lines the process wrote to stderr (native aborts print there). */
  stderrTail(): string;
  kill(): void;
}

export type WorkerSpawner = (init: WorkerInit) => WorkerHandle;

export interface JobCall<J extends JobName> {
  signal?: AbortSignal;
  onEvent?: (event: JobEvent<J>) => void;
}

export interface HostOptions {
  /** How often the host pings the process. */
  heartbeatMs?: number;
  /** A process that has not answered a ping for this long is hung: it is killed, and its jobs fail. */
  hangMs?: number;
}

interface Pending {
  job: JobName;
  /** Kept to send again when the process died while starting a backend, before any job ran. */
  message: Extract<HostMessage, { type: 'job' }>;
  signal: AbortSignal | undefined;
  resolve: (value: unknown) => void;
  reject: (error: AppError) => void;
  onEvent?: (event: unknown) => void;
}

const DEFAULT_HEARTBEAT_MS = 1000;
const DEFAULT_HANG_MS = 15_000;
const STARTUP_MS = 60_000;

/**
 * Owns the inference process: starts it on demand, sends typed jobs and checks every result and event against
 * the protocol, and survives its death. A heartbeat watches it: a process that stops answering (a native
 * deadlock, SIGSTOP) is killed after `hangMs`. When it dies every pending job fails with ENGINE_CRASHED and a
 * reason a person can read, and the next job starts a fresh process. The scheduler is its only caller.
 */
export class InferenceHost {
  private worker: WorkerHandle | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private state: EngineState = { status: 'none', lastError: null };
  private readonly listeners = new Set<(s: EngineState) => void>();
  private readonly slots = new Map<Slot, SlotModel>();
  private disposed = false;
  /** Error lines llama.cpp logged lately: a crash report quotes them. */
  private recentLogs: string[] = [];
  private readonly gpu: WorkerInit['gpu'];
  /** Backends seen to abort, hang or crash in a process: later processes skip them (until Hearth restarts). */
  private readonly excluded: BackendFailure[] = [];
  /** The backend the running process is starting, then the one it runs on once it said 'ready'. */
  private starting: Backend | null = null;
  private running: Backend | null = null;
  private heartbeat: { timer: NodeJS.Timeout; lastPong: number; n: number; hung: boolean; ready: boolean } | null = null;
  private readonly heartbeatMs: number;
  private readonly hangMs: number;
  private readonly crashListeners = new Set<(reason: string) => void>();

  constructor(
    private readonly spawn: WorkerSpawner,
    init: WorkerInit,
    options: HostOptions = {},
  ) {
    this.gpu = init.gpu;
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.hangMs = options.hangMs ?? DEFAULT_HANG_MS;
  }

  /** The GPU choice the inference process starts with; backends that failed are skipped (see `fallbacks`). */
  get gpuChoice(): WorkerInit['gpu'] {
    return this.gpu;
  }

  /** Backends this host saw kill or hang a process, each with why; the next process starts without them. */
  get fallbacks(): BackendFailure[] {
    return [...this.excluded];
  }

  /** The backend the running process computes on, once it is ready. */
  get backend(): Backend | null {
    return this.running;
  }

  /** The state of the chat slot, which the UI shows. */
  getState(): EngineState {
    return this.state;
  }

  onState(listener: (s: EngineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called with the reason whenever the process dies or is killed as hung. */
  onCrash(listener: (reason: string) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /** What is loaded in a slot of the running process. */
  loaded(slot: Slot): SlotModel | null {
    return this.slots.get(slot) ?? null;
  }

  /** The pid of the running inference process, if one runs. */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  async load(input: JobInput<'load'>): Promise<SlotModel> {
    const chat = input.slot === 'chat';
    this.slots.delete(input.slot);
    if (chat) this.setState({ status: 'loading', path: input.path });
    try {
      const model = await this.job('load', input);
      this.slots.set(input.slot, model);
      if (chat) this.setState({ status: 'ready', model });
      return model;
    } catch (error) {
      const message = error instanceof AppError ? error.message : String(error);
      if (chat) this.setState({ status: 'failed', path: input.path, error: message });
      throw error instanceof AppError && error.code !== 'ENGINE_CRASHED' ? error : new AppError('MODEL_LOAD_FAILED', message);
    }
  }

  async unload(slot: Slot): Promise<void> {
    if (this.worker) await this.job('unload', { slot });
    this.slots.delete(slot);
    if (slot === 'chat') this.setState({ status: 'none', lastError: null });
  }

  /** Sends one job and resolves with its result, checked against the protocol. */
  job<J extends JobName>(job: J, input: JobInput<J>, call: JobCall<J> = {}): Promise<JobResult<J>> {
    if (this.disposed && job !== 'unload') return Promise.reject(new AppError('ENGINE_UNAVAILABLE', 'Hearth is shutting down.'));
    const { signal, onEvent } = call;
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const abort = (): void => this.worker?.postMessage({ type: 'abort', id });
    const promise = new Promise<unknown>((resolve, reject) => {
      const message = { type: 'job' as const, id, job, input };
      this.pending.set(id, {
        job,
        message,
        signal,
        resolve,
        reject,
        ...(onEvent ? { onEvent: (e: unknown) => onEvent(jobs[job].event.parse(e) as JobEvent<J>) } : {}),
      });
      worker.postMessage(message);
    });
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    return promise
      .then((value) => {
        const parsed = jobs[job].result.safeParse(value);
        if (!parsed.success)
          throw new AppError(
            'INTERNAL',
            `The inference process answered ${job} with a result that does not match the protocol: ${parsed.error.issues[0]?.message}.`,
          );
        return parsed.data as JobResult<J>;
      })
      .finally(() => signal?.removeEventListener('abort', abort));
  }

  /** Asks the process to exit, and kills it if it has not within `deadlineMs`. */
  async dispose(deadlineMs = 3000): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.onExit(() => resolve()));
    try {
      await Promise.race([this.job('unload', { slot: 'chat' }), delay(deadlineMs)]);
    } catch {
      // it is going away either way
    }
    this.stopHeartbeat();
    worker.kill();
    await Promise.race([exited, delay(deadlineMs)]);
  }

  private ensureWorker(): WorkerHandle {
    if (this.worker) return this.worker;
    const worker = this.spawn({ gpu: this.gpu, ...(this.excluded.length ? { exclude: [...this.excluded] } : {}) });
    this.worker = worker;
    this.starting = null;
    this.running = null;
    this.recentLogs = [];
    worker.onMessage((m) => this.onWorkerMessage(m));
    worker.onExit(({ code, signal }) => this.onExit(worker, code, signal));
    this.startHeartbeat(worker);
    return worker;
  }

  private onExit(worker: WorkerHandle, code: number | null, signal: string | null): void {
    if (this.worker !== worker) return;
    const hung = this.heartbeat?.hung ?? false;
    this.stopHeartbeat();
    this.worker = null;
    this.slots.clear();
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    const output = [...this.recentLogs, worker.stderrTail()].join('\n');
    // llama.cpp's own error log names the cause best; the process's last words come next.
    const tail = this.recentLogs.find((l) => TELLING.test(l)) ?? lastLine(worker.stderrTail());
    const startingGpu = this.running === null && this.starting !== null && this.starting !== 'cpu' ? this.starting : null;
    if (startingGpu && !this.disposed && !this.excluded.some((f) => f.backend === startingGpu)) {
      this.fallBack(
        startingGpu,
        hung
          ? `it stopped responding for ${Math.round(Math.max(this.hangMs, STARTUP_MS) / 1000)} s while starting`
          : `the inference process ${signal === 'SIGABRT' ? 'aborted' : `died (${how})`} while starting it${tail ? `: ${tail}` : ''}`,
      );
      return;
    }
    let reason = hung
      ? `The inference process stopped responding for ${Math.round(this.hangMs / 1000)} s, so Hearth stopped it. It restarts with the next request.`
      : `The inference process stopped unexpectedly (${how})${tail ? `: ${tail}` : ''}. It restarts with the next request.`;
    // A GPU backend that aborts in use (an unsupported card or driver) would abort again on every restart: the
    // next process goes down the fallback chain rather than leave the user with a model that can never answer.
    const crashed = this.running;
    if (!hung && crashed && crashed !== 'cpu' && GPU_FAILURE.test(output) && !this.excluded.some((f) => f.backend === crashed)) {
      this.excluded.push({ backend: crashed, reason: `the inference process crashed in it (${how})${tail ? `: ${tail}` : ''}` });
      const name = BACKEND_NAMES[crashed];
      reason += ` The crash came from the ${name} backend, so Hearth now ${this.nextBackends(crashed)}; restart Hearth to try ${name} again.`;
    }
    const error = new AppError('ENGINE_CRASHED', reason);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    if (!this.disposed) {
      this.setState({ status: 'none', lastError: reason });
      for (const l of this.crashListeners) l(reason);
    }
  }

  /**
   * The process died (or hung) while starting a GPU backend, before any job ran: start the next process without
   * that backend and hand it the jobs that were waiting, so the fallback costs the user nothing but the time.
   */
  private fallBack(backend: Backend, reason: string): void {
    this.excluded.push({ backend, reason });
    logWarn(`llama.cpp could not start on ${BACKEND_NAMES[backend]}: ${reason}. Trying the next backend.`);
    if (this.pending.size === 0) return; // the next job starts it
    const worker = this.ensureWorker();
    for (const p of this.pending.values()) {
      worker.postMessage(p.message);
      if (p.signal?.aborted) worker.postMessage({ type: 'abort', id: p.message.id });
    }
  }

  /** "tries Vulkan, then the CPU": what comes after a failed backend, for a crash report. */
  private nextBackends(failed: Backend): string {
    const next = backendChain(failed === 'cpu' ? 'off' : failed, process.platform).filter(
      (b) => b !== failed && !this.excluded.some((f) => f.backend === b),
    );
    return `tries ${next.map((b) => BACKEND_NAMES[b]).join(', then ')}`;
  }

  private startHeartbeat(worker: WorkerHandle): void {
    const beat = {
      timer: setInterval(() => {
        if (this.worker !== worker) return;
        // Starting llama.cpp (loading its native libraries, the GPU probe) may hold the process's thread for a
        // while on a busy machine: the hang deadline counts from the last answer, with a longer one until 'ready'.
        if (performance.now() - beat.lastPong > (beat.ready ? this.hangMs : Math.max(this.hangMs, STARTUP_MS))) {
          beat.hung = true;
          worker.kill();
          return;
        }
        worker.postMessage({ type: 'ping', n: ++beat.n });
      }, this.heartbeatMs),
      lastPong: performance.now(),
      n: 0,
      hung: false,
      ready: false,
    };
    beat.timer.unref?.();
    this.heartbeat = beat;
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat.timer);
    this.heartbeat = null;
  }

  private onWorkerMessage(raw: unknown): void {
    const parsed = WorkerMessage.safeParse(raw);
    if (!parsed.success) return; // nothing a broken message could be routed to
    const m = parsed.data;
    switch (m.type) {
      case 'event': {
        const p = this.pending.get(m.id);
        try {
          p?.onEvent?.(m.event);
        } catch {
          // an event that does not match its job's schema is dropped; the result still settles the job
        }
        break;
      }
      case 'result': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(fromEnvelope(m.error));
        break;
      }
      case 'pong':
        if (this.heartbeat) this.heartbeat.lastPong = performance.now();
        break;
      case 'log':
        this.recentLogs = [...this.recentLogs.slice(-9), m.message.trim()];
        break;
      case 'starting':
        this.starting = m.backend;
        break;
      case 'ready':
        this.running = m.backend;
        // Until now native work (loading a backend, the GPU probe) could hold the thread: the start's longer deadline.
        if (this.heartbeat) this.heartbeat.ready = true;
        break;
      default:
        m satisfies never;
    }
  }

  private setState(next: EngineState): void {
    this.state = next;
    for (const l of this.listeners) l(next);
  }
}

const TELLING = /error|abort|assert|fatal|exception|failed/i;
const GPU_FAILURE = /\b(cuda|cublas|vulkan|vk_|metal|ptx|ggml-cuda|ggml-vulkan|ggml-metal|out of device memory)\b/i;

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref?.());

const fromEnvelope = (e: ErrorEnvelope): AppError => new AppError(e.code, e.message);

/** The line of a dying process's output that says why: the last error-looking one, else the last one. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Node\.js v\d/.test(l) && !l.startsWith('at ') && !/\(.*\+0x[0-9a-f]+\)\[0x/i.test(l));
  const telling = lines.filter((l) => TELLING.test(l));
  return (telling.at(-1) ?? lines.at(-1) ?? '').slice(0, 300);
}
