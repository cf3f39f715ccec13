import { describe, expect, it } from 'vitest';
import { FitReader, INSPECT_CONCURRENCY } from '../../../../electron/models/hub/fitReader';
import type { InspectResult } from '../../../../electron/inference/protocol';

/** A scheduler whose inspect jobs finish when the test says, so what runs at once can be counted. */
function gatedScheduler() {
  const calls: { source: string; contextSize: number; finish: (ok: boolean) => void }[] = [];
  let running = 0;
  let peak = 0;
  const run = (_job: 'inspect', input: { source: string; contextSize?: number }): Promise<InspectResult> =>
    new Promise((resolve, reject) => {
      running++;
      peak = Math.max(peak, running);
      calls.push({
        source: input.source,
        contextSize: input.contextSize ?? 0,
        finish: (ok) => {
          running--;
          if (ok) resolve({ source: input.source } as InspectResult);
          else reject(new Error('header unreadable'));
        },
      });
    });
  return { scheduler: { run } as never, calls, peak: () => peak };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('FitReader', () => {
  it(`reads at most ${INSPECT_CONCURRENCY} headers at once and starts the rest as they finish`, async () => {
    const g = gatedScheduler();
    const reader = new FitReader(g.scheduler);
    const all = Promise.all(Array.from({ length: 7 }, (_, i) => reader.inspect(`http://h/${i}.gguf`, 1024)));
    await tick();
    expect(g.calls.length).toBe(INSPECT_CONCURRENCY);
    for (let done = 0; done < 7; done++) {
      g.calls[done]?.finish(true);
      await tick();
      expect(g.calls.length).toBe(Math.min(7, done + 1 + INSPECT_CONCURRENCY));
    }
    expect((await all).length).toBe(7);
    expect(g.calls.length).toBe(7);
    expect(g.peak()).toBe(INSPECT_CONCURRENCY);
  });

  it('reads a header once per URL and context size', async () => {
    const g = gatedScheduler();
    const reader = new FitReader(g.scheduler);
    const a = reader.inspect('http://h/a.gguf', 1024);
    const b = reader.inspect('http://h/a.gguf', 1024);
    const c = reader.inspect('http://h/a.gguf', 2048);
    await tick();
    expect(g.calls.map((x) => [x.source, x.contextSize])).toEqual([
      ['http://h/a.gguf', 1024],
      ['http://h/a.gguf', 2048],
    ]);
    for (const x of g.calls) x.finish(true);
    expect(await a).toBe(await b);
    await c;
  });

  it('tries a failed header again next time rather than remembering the failure', async () => {
    const g = gatedScheduler();
    const reader = new FitReader(g.scheduler);
    const first = reader.inspect('http://h/a.gguf', 1024);
    await tick();
    g.calls[0]?.finish(false);
    await expect(first).rejects.toThrow('header unreadable');
    const second = reader.inspect('http://h/a.gguf', 1024);
    await tick();
    expect(g.calls.length).toBe(2);
    g.calls[1]?.finish(true);
    await expect(second).resolves.toMatchObject({ source: 'http://h/a.gguf' });
  });
});
