import { AppError } from '../../shared/errors';
import type { InferenceHost } from '../inference/host';
import type { JobEvent, JobInput, JobResult, LoadOptions, Slot, SlotModel } from '../inference/protocol';

/** An answer the user is waiting for, then an API request, then background work (embedding a collection). */
export type Priority = 'interactive' | 'api' | 'background';
const RANK: Record<Priority, number> = { interactive: 0, api: 1, background: 2 };

/** What a model switch does to answers being written: wait for them, or stop them (each is told why). */
export type SwitchPolicy = 'wait' | 'stop';

export interface JobRequest {
  /** Who asked (a window, an API connection): fairness is per client, and a client that goes away cancels its jobs. */
  client: string;
  priority: Priority;
  signal?: AbortSignal;
  /** Called with how many jobs are ahead of this one while it waits, and 0 when it starts. */
  onQueue?: (ahead: number) => void;
}

export interface SchedulerOptions {
  /** The load options for a model going into a slot (context size, sequences, threads...). */
  loadOptions: (slot: Slot, path: string) => Promise<LoadOptions> | LoadOptions;
  /**
   * Background jobs run beside answers only when the machine has cores to spare; otherwise they wait between
   * batches until no answer is being written, so an answer never slows down for them.
   */
  backgroundBesideAnswers?: boolean;
  /** Texts per embedding job: the unit between which an answer can take the engine back. */
  embedBatch?: number;
}

interface Task {
  id: number;
  client: string;
  priority: Priority;
  slot: Slot | null;
  /** The model the slot must hold; null: the selected chat model. */
  model: string | null;
  controller: AbortController;
  run: (signal: AbortSignal) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onQueue?: (ahead: number) => void;
  lastAhead?: number;
  release: () => void;
}

const SLOTS: Slot[] = ['chat', 'embedding', 'ranking'];

/**
 * The only way to the engine. Jobs queue by priority and fairly across clients; each slot runs as many at once
 * as it has sequences (a chat context with N sequences writes N answers, batched by llama.cpp); a job whose
 * model is not in its slot waits until the slot drains and the model is switched. Model switches follow a
 * stated policy and never stop an answer silently.
 */
export class Scheduler {
  private readonly queue: Task[] = [];
  private readonly running = new Map<Slot, Set<Task>>(SLOTS.map((s) => [s, new Set<Task>()]));
  private readonly loading = new Map<Slot, Promise<void>>();
  private readonly served = new Map<string, number>();
  private serveTick = 0;
  private nextId = 1;
  private selectedChat: string | null = null;
  private readonly embedBatch: number;
  /** Slots whose model loads again before its next job: its load settings changed while it was loaded. */
  private readonly stale = new Set<Slot>();
  private readonly activityListeners = new Set<(slot: Slot) => void>();

  constructor(
    private readonly host: InferenceHost,
    private readonly options: SchedulerOptions,
  ) {
    this.embedBatch = options.embedBatch ?? 32;
  }

  /** Picks the chat model without loading it: it loads with the first job that needs it. */
  select(path: string | null): void {
    this.selectedChat = path;
  }

  /** The chat model that answers jobs that name none. */
  get chatModel(): string | null {
    return this.selectedChat;
  }

  generate(
    req: JobRequest & { model?: string; input: JobInput<'generate'>; onEvent?: (e: JobEvent<'generate'>) => void },
  ): Promise<JobResult<'generate'>> {
    return this.enqueue(req, 'chat', req.model ?? null, (signal) =>
      this.host.job('generate', req.input, { signal, ...(req.onEvent ? { onEvent: req.onEvent } : {}) }),
    );
  }

  complete(
    req: JobRequest & { model?: string; input: JobInput<'complete'>; onEvent?: (e: JobEvent<'complete'>) => void },
  ): Promise<JobResult<'complete'>> {
    return this.enqueue(req, 'chat', req.model ?? null, (signal) =>
      this.host.job('complete', req.input, { signal, ...(req.onEvent ? { onEvent: req.onEvent } : {}) }),
    );
  }

  /** Embeds in batches; between batches, answers with a higher priority take the engine first. */
  async embed(req: JobRequest & { model: string; texts: string[]; onProgress?: (done: number) => void }): Promise<JobResult<'embed'>> {
    const vectors: number[][] = [];
    let tokens = 0;
    for (let i = 0; i < req.texts.length; i += this.embedBatch) {
      const texts = req.texts.slice(i, i + this.embedBatch);
      const r = await this.enqueue(req, 'embedding', req.model, (signal) => this.host.job('embed', { texts }, { signal }));
      vectors.push(...r.vectors);
      tokens += r.tokens;
      req.onProgress?.(vectors.length);
    }
    return { vectors, tokens };
  }

  rank(req: JobRequest & { model: string; query: string; documents: string[] }): Promise<JobResult<'rank'>> {
    return this.enqueue(req, 'ranking', req.model, (signal) =>
      this.host.job('rank', { query: req.query, documents: req.documents }, { signal }),
    );
  }

  /** Quick jobs that need no sequence run at once. */
  run<J extends 'tokenize' | 'measure' | 'inspect' | 'status'>(job: J, input: JobInput<J>, signal?: AbortSignal): Promise<JobResult<J>> {
    return this.host.job(job, input, signal ? { signal } : {});
  }

  /**
   * Makes `path` the chat model. With 'wait', answers being written finish first (queued ones then run on the
   * new model); with 'stop', they are stopped and each one's end says it was stopped for the switch.
   */
  async switchChat(path: string | null, policy: SwitchPolicy): Promise<SlotModel | null> {
    this.selectedChat = path;
    if (policy === 'stop') {
      const name = path ? path.split(/[\\/]/).pop() : null;
      for (const t of this.running.get('chat')!) {
        t.controller.abort(new AppError('CANCELLED', name ? `Stopped to switch to ${name}.` : 'Stopped because the model was unloaded.'));
      }
    }
    await this.drained('chat');
    if (!path) {
      await this.loading.get('chat');
      await this.host.unload('chat');
      this.stale.delete('chat');
      this.activity('chat');
      return null;
    }
    await this.ensureModel('chat', path);
    this.pump();
    return this.host.loaded('chat');
  }

  /**
   * The next job for `path` loads it again first (after the slot drains), so changed load settings take effect
   * at its next answer rather than never. Nothing happens where it is not loaded: its next load reads them anyway.
   */
  reloadAtNextJob(path: string): void {
    for (const slot of SLOTS) if (this.host.loaded(slot)?.path === path) this.stale.add(slot);
  }

  /** Called whenever a slot's work changes: a job starts or ends, a model loads or unloads. */
  onActivity(listener: (slot: Slot) => void): () => void {
    this.activityListeners.add(listener);
    return () => this.activityListeners.delete(listener);
  }

  /** A model is loaded in the slot and nothing runs, loads or waits there. */
  isIdle(slot: Slot): boolean {
    return (
      this.host.loaded(slot) !== null &&
      this.running.get(slot)!.size === 0 &&
      !this.loading.has(slot) &&
      !this.queue.some((t) => t.slot === slot)
    );
  }

  /**
   * Unloads the slot's model if the slot is idle, to give its memory back; the selection stays, so the next job
   * loads it again. Jobs that arrive meanwhile wait for the unload, as they wait for a load.
   */
  async unloadIfIdle(slot: Slot): Promise<boolean> {
    if (!this.isIdle(slot)) return false;
    const unload = this.host.unload(slot).finally(() => {
      this.loading.delete(slot);
      this.stale.delete(slot);
      this.activity(slot);
      this.pump();
    });
    this.loading.set(
      slot,
      unload.catch(() => undefined),
    );
    await unload;
    return true;
  }

  /** Answers being written now, and how many jobs wait for each slot. */
  snapshot(): { running: Record<Slot, number>; queued: Record<Slot, number> } {
    const count = (slot: Slot): number => this.queue.filter((t) => t.slot === slot).length;
    return {
      running: {
        chat: this.running.get('chat')!.size,
        embedding: this.running.get('embedding')!.size,
        ranking: this.running.get('ranking')!.size,
      },
      queued: { chat: count('chat'), embedding: count('embedding'), ranking: count('ranking') },
    };
  }

  /** Cancels every job of a client that went away: queued ones are dropped, running ones stopped. */
  cancelClient(client: string): void {
    for (const t of [...this.queue, ...SLOTS.flatMap((s) => [...this.running.get(s)!])]) {
      if (t.client === client) t.controller.abort(new AppError('CANCELLED', 'The client that asked for this went away.'));
    }
  }

  private enqueue<T>(req: JobRequest, slot: Slot, model: string | null, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(req.signal?.reason);
    if (req.signal?.aborted) onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    return new Promise<unknown>((resolve, reject) => {
      const task: Task = {
        id: this.nextId++,
        client: req.client,
        priority: req.priority,
        slot,
        model,
        controller,
        run,
        resolve,
        reject,
        ...(req.onQueue ? { onQueue: req.onQueue } : {}),
        release: () => req.signal?.removeEventListener('abort', onAbort),
      };
      // A job cancelled while it waits leaves the queue at once.
      controller.signal.addEventListener(
        'abort',
        () => {
          const i = this.queue.indexOf(task);
          if (i < 0) return;
          this.queue.splice(i, 1);
          task.release();
          reject(
            controller.signal.reason instanceof AppError
              ? controller.signal.reason
              : new AppError('CANCELLED', 'Cancelled before it started.'),
          );
          this.notifyQueue();
        },
        { once: true },
      );
      if (controller.signal.aborted) {
        task.release();
        reject(new AppError('CANCELLED', 'Cancelled before it started.'));
        return;
      }
      this.queue.push(task);
      this.pump();
    }) as Promise<T>;
  }

  /** Starts every job that can start now. Runs synchronously, so an idle engine adds no delay to a job. */
  private pump(): void {
    for (const slot of SLOTS) {
      while (!this.loading.has(slot)) {
        const next = this.order(slot)[0];
        if (!next) break;
        if (next.priority === 'background' && !this.options.backgroundBesideAnswers && this.answering()) break;
        const model = next.model ?? this.selectedChat;
        if (!model) {
          this.fail(next, new AppError('NO_MODEL', 'Pick a model first.'));
          continue;
        }
        const loaded = this.host.loaded(slot);
        const running = this.running.get(slot)!;
        if (loaded?.path !== model || this.stale.has(slot)) {
          if (running.size === 0)
            void this.ensureModel(slot, model).then(
              () => this.pump(),
              () => this.pump(),
            );
          break;
        }
        if (running.size >= loaded.sequences) break;
        this.start(next, slot);
      }
    }
    this.notifyQueue();
  }

  private start(task: Task, slot: Slot): void {
    this.queue.splice(this.queue.indexOf(task), 1);
    this.running.get(slot)!.add(task);
    this.served.set(task.client, ++this.serveTick);
    task.lastAhead = 0;
    task.onQueue?.(0);
    this.activity(slot);
    // A job the scheduler itself stopped (a model switch, a client gone) fails with that reason, so the caller
    // can say why; one its caller stopped ends as the engine reports it.
    const settle = (value: unknown): void => {
      const reason: unknown = task.controller.signal.reason;
      if (reason instanceof AppError) task.reject(reason);
      else task.resolve(value);
    };
    task
      .run(task.controller.signal)
      .then(settle, task.reject)
      .finally(() => {
        task.release();
        this.running.get(slot)!.delete(task);
        this.pump();
        this.drainWaiters(slot);
        this.activity(slot);
      });
  }

  /** Loads a model into a slot; a failed load fails the jobs that wanted that model, with the reason. */
  private ensureModel(slot: Slot, path: string): Promise<void> {
    const existing = this.loading.get(slot);
    if (existing) return existing.then(() => this.ensureModel(slot, path));
    if (this.host.loaded(slot)?.path === path && !this.stale.has(slot)) return Promise.resolve();
    this.stale.delete(slot);
    const load = (async () => {
      const options = await this.options.loadOptions(slot, path);
      await this.host.load({ slot, path, options });
    })();
    const settled = load
      .catch((error: unknown) => {
        for (const t of this.queue.filter((q) => q.slot === slot && (q.model ?? this.selectedChat) === path)) this.fail(t, error);
        throw error;
      })
      .finally(() => {
        this.loading.delete(slot);
        this.activity(slot);
      });
    this.loading.set(
      slot,
      settled.catch(() => undefined),
    );
    return settled;
  }

  private fail(task: Task, error: unknown): void {
    const i = this.queue.indexOf(task);
    if (i >= 0) this.queue.splice(i, 1);
    task.release();
    task.reject(error);
  }

  /** An answer is being written or waits: background work steps aside. */
  private answering(): boolean {
    const foreground = (t: Task): boolean => t.slot === 'chat' && t.priority !== 'background';
    return [...this.running.get('chat')!].some(foreground) || this.queue.some(foreground);
  }

  /** The slot's queue in the order it will run: priority, then the client served longest ago, then arrival. */
  private order(slot: Slot): Task[] {
    return this.queue
      .filter((t) => t.slot === slot)
      .sort(
        (a, b) => RANK[a.priority] - RANK[b.priority] || (this.served.get(a.client) ?? 0) - (this.served.get(b.client) ?? 0) || a.id - b.id,
      );
  }

  private notifyQueue(): void {
    for (const slot of SLOTS) {
      this.order(slot).forEach((t, i) => {
        const ahead = i + 1;
        if (t.lastAhead !== ahead) {
          t.lastAhead = ahead;
          t.onQueue?.(ahead);
        }
      });
    }
  }

  private activity(slot: Slot): void {
    for (const l of this.activityListeners) {
      try {
        l(slot);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private readonly waiters = new Map<Slot, (() => void)[]>();

  /** Resolves when nothing runs in the slot. */
  private drained(slot: Slot): Promise<void> {
    if (this.running.get(slot)!.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(slot) ?? [];
      list.push(resolve);
      this.waiters.set(slot, list);
    });
  }

  private drainWaiters(slot: Slot): void {
    if (this.running.get(slot)!.size > 0) return;
    const list = this.waiters.get(slot) ?? [];
    this.waiters.delete(slot);
    for (const w of list) w();
  }
}
