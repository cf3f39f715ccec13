import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '../../../electron/rag/ingest/progressMeter';

/** The ingestion's rate and ETA (electron/rag/ingest/progressMeter.ts), on a clock the test moves. */
function meter(): { m: ProgressMeter; at: (ms: number) => void } {
  let now = 1_000_000;
  const m = new ProgressMeter(() => now);
  m.reset();
  return { m, at: (ms) => (now = 1_000_000 + ms) };
}

describe('the progress meter', () => {
  it('says nothing of the pace until there is time to judge it, and no ETA before a file is done', () => {
    const { m, at } = meter();
    at(100);
    m.addChunks(5);
    expect(m.chunksPerSecond()).toBe(0);
    expect(m.etaSeconds(1000)).toBeNull();
    at(1000);
    expect(m.chunksPerSecond()).toBe(5);
    expect(m.etaSeconds(1000)).toBeNull();
    expect(m.etaSeconds(0)).toBe(0);
  });

  it('gives chunks per second and an ETA from the bytes still to read at the pace of the last few seconds', () => {
    const { m, at } = meter();
    at(2000);
    m.addChunks(40);
    m.addFile(20_000);
    // 20 chunks/s and 10 KB/s: 50 KB to go is 5 s.
    expect(m.chunksPerSecond()).toBe(20);
    expect(m.etaSeconds(50_000)).toBe(5);
  });

  it('follows a change of pace instead of averaging over the whole run', () => {
    const { m, at } = meter();
    for (let s = 1; s <= 20; s++) {
      at(s * 1000);
      m.addChunks(s <= 10 ? 100 : 10);
      m.addFile(s <= 10 ? 100_000 : 10_000);
    }
    // The last five seconds ran at 10 chunks and 10 KB a second, whatever the first ten did.
    expect(m.chunksPerSecond()).toBeGreaterThanOrEqual(10);
    expect(m.chunksPerSecond()).toBeLessThan(12.5);
    expect(m.etaSeconds(100_000)).toBeGreaterThan(8);
    expect(m.etaSeconds(100_000)).toBeLessThanOrEqual(10);
  });

  it('starts a new run from nothing', () => {
    const { m, at } = meter();
    at(1000);
    m.addChunks(100);
    m.addFile(1000);
    at(60_000);
    m.reset();
    at(61_000);
    expect(m.chunksPerSecond()).toBe(0);
    expect(m.etaSeconds(1000)).toBeNull();
  });
});
