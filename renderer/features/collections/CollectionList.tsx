import type { Collection } from '../../../shared/rag';
import { collectionsNav } from './collectionsNav';
import { ingestShare, isRunning, statsText } from './ingestText';

/** The collections as a list of buttons; the selected one is marked for screen readers with aria-current. */
export function CollectionList({ collections, selectedId }: { collections: Collection[]; selectedId: string | null }) {
  return (
    <ul className="collection-list" aria-label="Collections">
      {collections.map((c) => {
        const running = isRunning(c.ingest);
        const share = ingestShare(c.ingest);
        return (
          <li key={c.id}>
            <button
              type="button"
              className="collection-item"
              aria-current={c.id === selectedId ? 'true' : undefined}
              data-testid="collection-item"
              data-id={c.id}
              onClick={() => collectionsNav.select(c.id)}
            >
              <span className="collection-item-name">{c.name}</span>
              <span className="collection-item-stats">
                {running
                  ? `Indexing${share !== null ? ` ${Math.floor(share * 100)}%` : '…'}`
                  : c.ingest.state === 'failed'
                    ? 'Indexing stopped'
                    : statsText(c.stats)}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
