/** The constant of reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): damps the weight of the first ranks. */
export const RRF_K = 60;

export type Retriever = 'keyword' | 'vector';

export interface Fused {
  id: number;
  score: number;
  via: Retriever[];
}

/**
 * Reciprocal rank fusion: each list adds 1 / (k + rank) to the items it holds (rank from 1), so an item near the
 * top of both lists beats one at the top of only one, and neither retriever's scores need to be comparable. Ties
 * go to the better single rank, then the lower id, so the order is the same every time.
 */
export function fuseByRank(lists: { via: Retriever; ids: number[] }[], k = RRF_K): Fused[] {
  const byId = new Map<number, Fused & { best: number }>();
  for (const list of lists) {
    list.ids.forEach((id, i) => {
      const entry = byId.get(id) ?? { id, score: 0, via: [], best: Number.POSITIVE_INFINITY };
      if (entry.via.includes(list.via)) return; // the same retriever never counts an item twice
      entry.score += 1 / (k + i + 1);
      entry.via.push(list.via);
      entry.best = Math.min(entry.best, i);
      byId.set(id, entry);
    });
  }
  return [...byId.values()]
    .sort((a, b) => b.score - a.score || a.best - b.best || a.id - b.id)
    .map(({ id, score, via }) => ({ id, score, via }));
}
