import { AppError, type ErrorEnvelope } from '../../shared/errors';
import type { EngineState, LoadedModel } from '../../shared/types';
import { Mutex } from './mutex';
import type {
  ChatTurn, GenerateOptions, GenerateResult, HostMessage, LoadOptions, WorkerInit, WorkerMessage,
} from './protocol';

/** What the host needs from a started inference process, whichever way it was started. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  postMessage(message: HostMessage): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  onExit(listener: (exit: { code: number | null; signal: string | null }) => void): void;
  /** The last lines the process wrote to stderr (native aborts print there). */
  stderrTail(): string;
  kill(): void;
}

export type WorkerSpawner = (init: WorkerInit) => WorkerHandle;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: AppError) => void;
  onText?: (text: string) => void;
}

export interface GenerateCall {
  signal?: AbortSignal;
  onText: (text: string) => void;
}

/**
 * Owns the inference process: starts it on demand, routes requests and streamed text, and survives its
 * death. When it dies every pending request fails with ENGINE_CRASHED, the state says why, and the next
 * request starts a fresh process.
 */
export class InferenceHost {
  private worker: WorkerHandle | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly lock = new Mutex();
  private state: EngineState = { status: 'none', lastError: null };
  private readonly listeners = new Set<(s: EngineState) => void>();
  private disposed = false;
  /** Error lines llama.cpp logged lately: a crash report quotes them. */
  private recentLogs: string[] = [];
  private gpu: WorkerInit['gpu'];

  constructor(private readonly spawn: WorkerSpawner, init: WorkerInit) {
    this.gpu = init.gpu;
  }

  /** The GPU choice the next inference process starts with ('off' after a GPU backend crashed). */
  get gpuChoice(): WorkerInit['gpu'] { return this.gpu; }

  getState(): EngineState { return this.state; }

  onState(listener: (s: EngineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The pid of the running inference process, if one runs. */
  get pid(): number | undefined { return this.worker?.pid; }

  load(path: string, options: LoadOptions): Promise<LoadedModel> {
    return this.lock.run(async () => {
      this.setState({ status: 'loading', path });
      try {
        const model = (await this.request({ type: 'load', path, options })) as LoadedModel;
        this.setState({ status: 'ready', model });
        return model;
      } catch (error) {
        const message = error instanceof AppError ? error.message : String(error);
        this.setState({ status: 'failed', path, error: message });
        throw error instanceof AppError && error.code !== 'ENGINE_CRASHED' ? error : new AppError('MODEL_LOAD_FAILED', message);
      }
    });
  }

  unload(): Promise<void> {
    return this.lock.run(async () => {
      if (this.worker) await this.request({ type: 'unload' });
      this.setState({ status: 'none', lastError: null });
    });
  }

  generate(turns: ChatTurn[], options: GenerateOptions, call: GenerateCall): Promise<GenerateResult> {
    if (this.state.status !== 'ready' || !this.worker) {
      return Promise.reject(new AppError('NO_MODEL', 'No model is loaded.'));
    }
    const { signal, onText } = call;
    const id = this.nextId;
    const promise = this.request({ type: 'generate', turns, options }, onText) as Promise<GenerateResult>;
    const abort = (): void => this.worker?.postMessage({ type: 'abort', id });
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    return promise.finally(() => signal?.removeEventListener('abort', abort));
  }

  /** Asks the process to exit, and kills it if it has not within `deadlineMs`. */
  async dispose(deadlineMs = 3000): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.onExit(() => resolve()));
    try {
      await Promise.race([this.request({ type: 'unload' }), delay(deadlineMs)]);
    } catch {
      // it is going away either way
    }
    worker.kill();
    await Promise.race([exited, delay(deadlineMs)]);
  }

  private request(body: DistributiveOmit<HostMessage, 'id'>, onText?: (text: string) => void): Promise<unknown> {
    if (this.disposed && body.type !== 'unload') return Promise.reject(new AppError('ENGINE_UNAVAILABLE', 'Hearth is shutting down.'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onText ? { onText } : {}) });
      worker.postMessage({ ...body, id } as HostMessage);
    });
  }

  private ensureWorker(): WorkerHandle {
    if (this.worker) return this.worker;
    const worker = this.spawn({ gpu: this.gpu });
    this.worker = worker;
    this.recentLogs = [];
    worker.onMessage((m) => this.onWorkerMessage(m));
    worker.onExit(({ code, signal }) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      const output = [...this.recentLogs, worker.stderrTail()].join('\n');
      // llama.cpp's own error log names the cause best; the process's last words come next.
      const tail = this.recentLogs.find((l) => TELLING.test(l)) ?? lastLine(worker.stderrTail());
      let reason = `The inference process stopped unexpectedly (${how})${tail ? `: ${tail}` : ''}. It restarts with the next request.`;
      // A GPU backend that aborts (an unsupported card or driver) would abort again on every restart: go on
      // without the GPU rather than leave the user with a model that can never answer.
      if (this.gpu !== 'off' && GPU_FAILURE.test(output)) {
        reason += ` The crash came from the GPU backend, so Hearth now runs models on the CPU; restart Hearth to try the GPU again.`;
        this.gpu = 'off';
      }
      const error = new AppError('ENGINE_CRASHED', reason);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      if (!this.disposed) this.setState({ status: 'none', lastError: reason });
    });
    return worker;
  }

  private onWorkerMessage(m: WorkerMessage): void {
    switch (m.type) {
      case 'text':
        this.pending.get(m.id)?.onText?.(m.text);
        break;
      case 'result': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(fromEnvelope(m.error));
        break;
      }
      case 'log':
        this.recentLogs = [...this.recentLogs.slice(-9), m.message.trim()];
        break;
      case 'ready':
        break;
    }
  }

  private setState(next: EngineState): void {
    this.state = next;
    for (const l of this.listeners) l(next);
  }
}

const TELLING = /error|abort|assert|fatal|exception|failed/i;
const GPU_FAILURE = /\b(cuda|cublas|vulkan|vk_|metal|ptx|ggml-cuda|ggml-vulkan|ggml-metal|out of device memory)\b/i;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref?.());

const fromEnvelope = (e: ErrorEnvelope): AppError => new AppError(e.code, e.message);

/** The line of a dying process's output that says why: the last error-looking one, else the last one. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim())
    .filter((l) => l && !/^Node\.js v\d/.test(l) && !/^at /.test(l) && !/\(.*\+0x[0-9a-f]+\)\[0x/i.test(l));
  const telling = lines.filter((l) => TELLING.test(l));
  return (telling.at(-1) ?? lines.at(-1) ?? '').slice(0, 300);
}
