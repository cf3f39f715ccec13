import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost, type HostOptions } from '../../electron/inference/host';
import type { GenerateResult, LoadOptions } from '../../electron/inference/protocol';
import { Scheduler, type SchedulerOptions } from '../../electron/scheduler/scheduler';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

/** The scheduler on the real inference process and node-llama-cpp, with the tiny models. */
const turns = [{ role: 'user' as const, content: 'Hello' }];
let dir: string;
let cleanup: () => void;
let says: string;
let other: string;
const hosts: InferenceHost[] = [];

function setup(o: { sequences?: number; host?: HostOptions; scheduler?: Partial<SchedulerOptions> } = {}): {
  host: InferenceHost;
  scheduler: Scheduler;
} {
  const host = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' }, o.host ?? {});
  hosts.push(host);
  const loadOptions = (slot: string): LoadOptions =>
    slot === 'chat' ? { contextSize: 1024, sequences: o.sequences ?? 1, threads: 1 } : { contextSize: 0, threads: 1 };
  const scheduler = new Scheduler(host, { loadOptions, ...o.scheduler });
  scheduler.select(says);
  return { host, scheduler };
}

const answer = (
  scheduler: Scheduler,
  client: string,
  extra: {
    maxTokens?: number;
    key?: string;
    signal?: AbortSignal;
    onQueue?: (n: number) => void;
    onText?: (t: string) => void;
    model?: string;
  } = {},
): Promise<GenerateResult> =>
  scheduler.generate({
    client,
    priority: 'interactive',
    input: { sequenceKey: extra.key ?? client, turns, options: { maxTokens: extra.maxTokens ?? 60, temperature: 0 } },
    onEvent: (e) => {
      if (e.kind === 'text') extra.onText?.(e.text);
    },
    ...(extra.signal ? { signal: extra.signal } : {}),
    ...(extra.onQueue ? { onQueue: extra.onQueue } : {}),
    ...(extra.model ? { model: extra.model } : {}),
  });

const waitFor = async (check: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const chunks = (n: number): string[] => Array.from({ length: n }, (_, i) => `chunk ${i} of the local hearth fire`);

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  says = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
  other = tinyModel(dir, 'other.gguf', { favor: 'fire' });
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose(2000)));
});
afterAll(() => cleanup());

describe('the scheduler on the real engine', () => {
  it('writes two answers at once with two sequences, and a third waits and reports its place', async () => {
    const { scheduler } = setup({ sequences: 2 });
    const texts: Record<string, string> = { a: '', b: '', c: '' };
    const queue: Record<string, number[]> = { a: [], b: [], c: [] };
    const go = (k: string): Promise<GenerateResult> =>
      answer(scheduler, k, {
        maxTokens: 300,
        onText: (t) => {
          texts[k] += t;
        },
        onQueue: (n) => queue[k]!.push(n),
      });
    const a = go('a');
    const b = go('b');
    const c = go('c');
    // Both stream at the same time: each has text before either finishes.
    await waitFor(() => texts.a!.length > 0 && texts.b!.length > 0);
    expect(scheduler.snapshot().running.chat).toBe(2);
    expect(texts.c).toBe('');
    expect(queue.c).toContain(1);
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(ra.completionTokens).toBe(300);
    expect(rb.completionTokens).toBe(300);
    expect(new Set([ra.sequence, rb.sequence])).toEqual(new Set([0, 1]));
    expect(rc.completionTokens).toBe(300);
    expect(queue.c!.at(-1)).toBe(0);
    // The first answers waited only for the model to load, then started.
    expect(queue.a!.at(-1)).toBe(0);
    expect(Math.max(...queue.a!)).toBeLessThanOrEqual(1);
  });

  it('keeps a conversation on its warm sequence, so the next turn reuses its history', async () => {
    const { scheduler } = setup({ sequences: 2 });
    const first = await answer(scheduler, 'ui', { key: 'conv-1', maxTokens: 20 });
    const again = await scheduler.generate({
      client: 'ui',
      priority: 'interactive',
      input: {
        sequenceKey: 'conv-1',
        turns: [...turns, { role: 'assistant', content: first.text }, { role: 'user', content: 'More' }],
        options: { maxTokens: 5, temperature: 0 },
      },
    });
    expect(again.sequence).toBe(first.sequence);
    expect(again.reusedTokens).toBeGreaterThan(first.promptTokens - 2);
  });

  it('writes an answer while 1,000 chunks embed in the background, and the embedding finishes after it', async () => {
    const { scheduler } = setup({ scheduler: { embedBatch: 25 } });
    let done = 0;
    let embeddedAt = 0;
    let answeredAt = 0;
    const embedding = scheduler
      .embed({
        client: 'rag',
        priority: 'background',
        model: says,
        texts: chunks(1000),
        onProgress: (n) => {
          done = n;
        },
      })
      .then((r) => {
        embeddedAt = performance.now();
        return r;
      });
    await waitFor(() => done >= 50);
    const r = await answer(scheduler, 'ui', { maxTokens: 200 });
    answeredAt = performance.now();
    expect(r.completionTokens).toBe(200);
    expect(done).toBeLessThan(1000);
    const e = await embedding;
    expect(embeddedAt).toBeGreaterThan(answeredAt);
    expect(e.vectors).toHaveLength(1000);
    expect(e.vectors[0]).toHaveLength(128);
    expect(e.vectors.every((v) => v.every(Number.isFinite))).toBe(true);
  });

  it('fails both a running answer and a running embedding clearly when the process is killed, and the next request works', async () => {
    const { host, scheduler } = setup({ scheduler: { backgroundBesideAnswers: true, embedBatch: 500 } });
    let text = '';
    const a = answer(scheduler, 'ui', {
      maxTokens: 100_000,
      onText: (t) => {
        text += t;
      },
    });
    const e = scheduler.embed({ client: 'rag', priority: 'background', model: says, texts: chunks(1000) });
    await waitFor(() => text.length > 20 && scheduler.snapshot().running.embedding === 1);
    const pid = host.pid!;
    process.kill(pid, 'SIGKILL');
    const [ea, ee] = await Promise.all([a.catch((x: unknown) => x), e.catch((x: unknown) => x)]);
    for (const err of [ea, ee]) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('ENGINE_CRASHED');
      expect((err as AppError).message).toMatch(/stopped unexpectedly \(killed by SIGKILL\).*restarts with the next request/);
    }
    const next = await answer(scheduler, 'ui', { maxTokens: 5 });
    expect(next.completionTokens).toBe(5);
    expect(host.pid).not.toBe(pid);
  });

  it('kills and replaces a hung process (SIGSTOP) after the stated time, failing its jobs with the reason', async () => {
    const { host, scheduler } = setup({ host: { heartbeatMs: 100, hangMs: 1500 } });
    let text = '';
    const a = answer(scheduler, 'ui', {
      maxTokens: 100_000,
      onText: (t) => {
        text += t;
      },
    });
    await waitFor(() => text.length > 10);
    const pid = host.pid!;
    process.kill(pid, 'SIGSTOP');
    const error = await a.catch((x: unknown) => x);
    expect(error).toMatchObject({
      code: 'ENGINE_CRASHED',
      message: expect.stringMatching(/stopped responding for 2 s, so Hearth stopped it/),
    });
    const next = await answer(scheduler, 'ui', { maxTokens: 5 });
    expect(next.completionTokens).toBe(5);
    expect(host.pid).not.toBe(pid);
  });

  it('cancels the jobs of a client that goes away: its running answer stops and its queued one never starts', async () => {
    const { scheduler } = setup();
    let text = '';
    const running = answer(scheduler, 'api-1', {
      maxTokens: 100_000,
      onText: (t) => {
        text += t;
      },
    });
    const queued = answer(scheduler, 'api-1', { key: 'x', maxTokens: 10 });
    await waitFor(() => text.length > 10);
    scheduler.cancelClient('api-1');
    const [r1, r2] = await Promise.all([running.catch((e: unknown) => e), queued.catch((e: unknown) => e)]);
    expect(r1).toMatchObject({ code: 'CANCELLED' });
    expect(r2).toMatchObject({ code: 'CANCELLED' });
    expect(scheduler.snapshot()).toEqual({ running: { chat: 0, embedding: 0, ranking: 0 }, queued: { chat: 0, embedding: 0, ranking: 0 } });
  });

  it('stops an answer whose abort arrives in the same tick as its job, or before its first token, as stopped with empty text', async () => {
    const { scheduler } = setup();
    await answer(scheduler, 'warm', { maxTokens: 1 });
    for (let i = 0; i < 8; i++) {
      const controller = new AbortController();
      const p = answer(scheduler, 'ui', { maxTokens: 100_000, signal: controller.signal, key: `k${i}` });
      controller.abort();
      const r: unknown = await p.catch((e: unknown) => e);
      // Either it never left the queue, or the engine stopped it at once: never an answer that runs on.
      const outcome =
        r instanceof AppError
          ? r.code
          : r && typeof r === 'object' && 'stopReason' in r
            ? `${String(r.stopReason)}:${String((r as GenerateResult).text)}`
            : r;
      expect(['CANCELLED', 'abort:']).toContain(outcome);
    }
    const c = new AbortController();
    const started = answer(scheduler, 'ui', {
      maxTokens: 100_000,
      signal: c.signal,
      onQueue: (n) => {
        if (n === 0) queueMicrotask(() => c.abort());
      },
    });
    await expect(started).resolves.toMatchObject({ stopReason: 'abort', text: '' });
  });

  it('switches models by policy: "wait" lets answers finish, "stop" stops them and says why', async () => {
    const { host, scheduler } = setup({ sequences: 2 });
    let text = '';
    const finishing = answer(scheduler, 'ui', {
      maxTokens: 150,
      onText: (t) => {
        text += t;
      },
    });
    await waitFor(() => text.length > 5);
    const switched = scheduler.switchChat(other, 'wait');
    const r = await finishing;
    expect(r).toMatchObject({ stopReason: 'maxTokens', completionTokens: 150 });
    await switched;
    expect(host.loaded('chat')?.path).toBe(other);
    // Queued work follows the selected model.
    expect((await answer(scheduler, 'ui', { maxTokens: 3 })).text.trim().split(/\s+/)).toEqual(['fire', 'fire', 'fire']);

    let text2 = '';
    const stopped = answer(scheduler, 'ui', {
      maxTokens: 100_000,
      onText: (t) => {
        text2 += t;
      },
    }).catch((e: unknown) => e);
    await waitFor(() => text2.length > 5);
    await scheduler.switchChat(says, 'stop');
    expect(await stopped).toMatchObject({ code: 'CANCELLED', message: 'Stopped to switch to says-the.gguf.' });
    expect(host.loaded('chat')?.path).toBe(says);
  });

  it('queues answers by priority and fairly across clients', async () => {
    const { scheduler } = setup();
    const order: string[] = [];
    const blocker = answer(scheduler, 'x', { maxTokens: 40 });
    const jobs = [
      ['bg', 'background'],
      ['api-a1', 'api'],
      ['api-a2', 'api'],
      ['api-b1', 'api'],
      ['ui1', 'interactive'],
    ].map(([name, priority]) =>
      scheduler.generate({
        client: name!.replace(/\d$/, ''),
        priority: priority as 'api',
        input: { sequenceKey: name!, turns, options: { maxTokens: 2, temperature: 0 } },
        onQueue: (n) => {
          if (n === 0) order.push(name!);
        },
      }),
    );
    await Promise.all([blocker, ...jobs]);
    expect(order).toEqual(['ui1', 'api-a1', 'api-b1', 'api-a2', 'bg']);
  });
  it('unloads an idle slot only when nothing runs or waits there, and a job that follows loads the model again', async () => {
    const { host, scheduler } = setup();
    const slots: string[] = [];
    scheduler.onActivity((slot) => slots.push(slot));
    expect(await scheduler.unloadIfIdle('chat')).toBe(false);
    let text = '';
    const running = answer(scheduler, 'ui', {
      maxTokens: 100,
      onText: (t) => {
        text += t;
      },
    });
    await waitFor(() => text.length > 0);
    expect(scheduler.isIdle('chat')).toBe(false);
    expect(await scheduler.unloadIfIdle('chat')).toBe(false);
    await running;
    // The job's result is delivered before the slot lets go of it: idle follows within the same turn.
    await waitFor(() => scheduler.isIdle('chat'));
    expect(slots).toContain('chat');

    const unloading = scheduler.unloadIfIdle('chat');
    // Asked for while the unload runs: it waits for it, then loads the model again.
    const next = answer(scheduler, 'ui', { maxTokens: 3 });
    expect(await unloading).toBe(true);
    expect((await next).text.trim()).toBe('the the the');
    expect(host.loaded('chat')?.path).toBe(says);
  });

  it('loads a model again before its next job once asked to, after the answers being written finish', async () => {
    let contextSize = 1024;
    const loads: number[] = [];
    const { host, scheduler } = setup({
      scheduler: {
        loadOptions: (slot) => {
          if (slot === 'chat') loads.push(contextSize);
          return slot === 'chat' ? { contextSize, threads: 1 } : { contextSize: 0, threads: 1 };
        },
      },
    });
    let text = '';
    const running = answer(scheduler, 'ui', {
      maxTokens: 100,
      onText: (t) => {
        text += t;
      },
    });
    await waitFor(() => text.length > 0);
    contextSize = 512;
    scheduler.reloadAtNextJob(says);
    scheduler.reloadAtNextJob(other);
    expect((await running).completionTokens).toBe(100);
    expect(host.loaded('chat')?.contextSize).toBe(1024);
    await answer(scheduler, 'ui', { maxTokens: 2 });
    expect(host.loaded('chat')?.contextSize).toBe(512);
    await answer(scheduler, 'ui', { maxTokens: 2 });
    expect(loads).toEqual([1024, 512]);
  });
});
