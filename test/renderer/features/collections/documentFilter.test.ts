import { describe, expect, it } from 'vitest';
import { countByStatus, filterDocuments } from '../../../../renderer/features/collections/documentFilter';
import { doc } from './fixtures';

const docs = [
  doc({ id: '1', path: '/d/b.md', status: 'indexed' }),
  doc({ id: '2', path: '/d/z.pdf', status: 'failed', reason: 'encrypted PDF' }),
  doc({ id: '3', path: '/d/a.md', status: 'indexed' }),
  doc({ id: '4', path: '/d/fifo', status: 'skipped', reason: 'a FIFO' }),
  doc({ id: '5', path: '/d/c.txt', status: 'pending' }),
  doc({ id: '6', path: '/d/d.txt', status: 'indexing' }),
];
const ids = (list: { id: string }[]): string[] => list.map((d) => d.id);

describe('the documents list', () => {
  it('puts problems first, then what is being read or waits, then what is indexed, by path within', () => {
    expect(ids(filterDocuments(docs, 'all'))).toEqual(['2', '4', '6', '5', '3', '1']);
  });

  it('narrows to failed or skipped, to indexed, or to waiting (being read included)', () => {
    expect(ids(filterDocuments(docs, 'problems'))).toEqual(['2', '4']);
    expect(ids(filterDocuments(docs, 'indexed'))).toEqual(['3', '1']);
    expect(ids(filterDocuments(docs, 'waiting'))).toEqual(['6', '5']);
  });

  it('does not reorder the cached list it was given', () => {
    const before = ids(docs);
    filterDocuments(docs, 'all');
    expect(ids(docs)).toEqual(before);
  });

  it('counts each status', () => {
    expect(countByStatus(docs)).toEqual({ pending: 1, indexing: 1, indexed: 2, failed: 1, skipped: 1 });
  });
});
