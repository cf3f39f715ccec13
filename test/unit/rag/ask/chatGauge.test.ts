import { describe, expect, it } from 'vitest';
import { type GaugeEngine, engineGauge, estimateTokens } from '../../../../electron/rag/ask/chatGauge';
import { AppError } from '../../../../shared/errors';

/** The engine as the gauge sees it, holding `loaded` in its chat slot with `selected` picked; jobs are recorded. */
function engine(loaded: string | null, selected: string | null, fail?: AppError) {
  const jobs: string[] = [];
  const e: GaugeEngine = {
    host: { loaded: () => (loaded ? ({ path: loaded, contextSize: 1024 } as never) : null) },
    scheduler: {
      chatModel: selected,
      run: (async (job: string, input: { text?: string }) => {
        jobs.push(job);
        if (fail) throw fail;
        return job === 'measure' ? { system: 10, history: 20, draft: 0, total: 30, contextSize: 1024 } : { count: input.text!.length };
      }) as never,
    },
    fallbackContext: () => 4096,
  };
  return { gauge: engineGauge(e), jobs };
}

const turns = [{ role: 'user' as const, content: 'x'.repeat(30) }];

describe('counting a prompt for the passages budget', () => {
  it("uses the loaded chat model's own counts and context when it is the one that will answer", async () => {
    const { gauge, jobs } = engine('/m/a.gguf', '/m/a.gguf');
    expect(await gauge.measure(turns)).toEqual({ tokens: 30, contextSize: 1024, exact: true });
    expect(await gauge.count(['abc', 'abcdef'])).toEqual([3, 6]);
    expect(jobs).toEqual(['measure', 'tokenize', 'tokenize']);
  });

  it('estimates against the fallback context when no chat model is loaded, and never loads one', async () => {
    const { gauge, jobs } = engine(null, '/m/a.gguf');
    expect(await gauge.measure(turns)).toEqual({ tokens: estimateTokens(turns[0]!.content) + 8, contextSize: 4096, exact: false });
    expect(await gauge.count(['abcdef'])).toEqual([2]);
    expect(jobs).toEqual([]);
  });

  it('estimates when another model than the loaded one will answer (a switch is coming)', async () => {
    const { gauge, jobs } = engine('/m/a.gguf', '/m/b.gguf');
    expect((await gauge.measure(turns)).exact).toBe(false);
    expect(jobs).toEqual([]);
  });

  it('estimates when the model goes away between the check and the count, and passes other errors on', async () => {
    const gone = engine('/m/a.gguf', '/m/a.gguf', new AppError('NO_MODEL', 'No chat model is loaded.'));
    expect((await gone.gauge.measure(turns)).exact).toBe(false);
    const cancelled = engine('/m/a.gguf', '/m/a.gguf', new AppError('CANCELLED', 'Stopped.'));
    await expect(cancelled.gauge.count(['a'])).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
