import { describe, expect, it } from 'vitest';
import { fuseByRank, RRF_K } from '../../../../electron/rag/index/fuse';

describe('fuseByRank', () => {
  it('adds 1 / (60 + rank) from each list an item is in', () => {
    expect(RRF_K).toBe(60);
    expect(
      fuseByRank([
        { via: 'keyword', ids: [1, 2, 3] },
        { via: 'vector', ids: [3, 4] },
      ]),
    ).toEqual([
      { id: 3, score: 1 / 63 + 1 / 61, via: ['keyword', 'vector'] },
      { id: 1, score: 1 / 61, via: ['keyword'] },
      { id: 2, score: 1 / 62, via: ['keyword'] },
      { id: 4, score: 1 / 62, via: ['vector'] },
    ]);
  });

  it('puts an item found well by both retrievers above one found first by only one', () => {
    const fused = fuseByRank([
      { via: 'keyword', ids: [10, 20, 30] },
      { via: 'vector', ids: [40, 30, 50] },
    ]);
    expect(fused[0]!.id).toBe(30);
  });

  it('breaks ties by the better single rank, then the lower id, so the order never varies', () => {
    const fused = fuseByRank([
      { via: 'keyword', ids: [7, 5] },
      { via: 'vector', ids: [5, 7] },
    ]);
    expect(fused.map((f) => f.id)).toEqual([5, 7]);
    expect(
      fuseByRank([
        { via: 'vector', ids: [9] },
        { via: 'keyword', ids: [2] },
      ]).map((f) => f.id),
    ).toEqual([2, 9]);
  });

  it('counts an item once per retriever even if a list repeats it, and takes another k', () => {
    expect(fuseByRank([{ via: 'keyword', ids: [1, 1, 2] }], 0)).toEqual([
      { id: 1, score: 1, via: ['keyword'] },
      { id: 2, score: 1 / 3, via: ['keyword'] },
    ]);
    expect(fuseByRank([])).toEqual([]);
  });
});
