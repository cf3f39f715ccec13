import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Collection, CollectionSource } from '../../../shared/rag';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { useFocusOnMount } from '../models/common/useFocusOnMount';
import { messageOf } from './useCollections';

/** The folders and files a collection covers; removing one drops its documents from the index, never from disk. */
export function SourcesList({ collection }: { collection: Collection }) {
  if (collection.sources.length === 0) {
    return (
      <p className="muted small-text" data-testid="sources-empty">
        No folders or files yet: add one below.
      </p>
    );
  }
  return (
    <ul className="sources" aria-label={`Folders and files in ${collection.name}`}>
      {collection.sources.map((s) => (
        <SourceRow key={s.id} collection={collection} source={s} />
      ))}
    </ul>
  );
}

function SourceRow({ collection, source: s }: { collection: Collection; source: CollectionSource }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async (): Promise<void> => {
    setError(null);
    try {
      const c = await call('collections:removeSource', { id: collection.id, sourceId: s.id });
      qc.setQueryData<Collection[]>(queryKeys.collections, (old) => old?.map((x) => (x.id === c.id ? c : x)));
      void qc.invalidateQueries({ queryKey: queryKeys.collectionDocuments(c.id) });
    } catch (e) {
      setError(messageOf(e));
      setConfirming(false);
    }
  };
  return (
    <li className="source" data-testid="source" data-path={s.path}>
      <span className="badge badge-muted">{s.kind}</span>
      <code className="source-path" title={s.path}>
        {s.path}
      </code>
      {s.kind === 'folder' && (
        <span className={s.watch ? 'badge badge-ok' : 'badge badge-muted'} data-testid="source-watched">
          {s.watch ? 'watched' : 'not watched'}
        </span>
      )}
      {confirming ? (
        <RemoveConfirm path={s.path} onYes={() => void remove()} onNo={() => setConfirming(false)} />
      ) : (
        <button
          type="button"
          className="button button-small button-ghost"
          aria-label={`Remove ${s.path} from ${collection.name}`}
          onClick={() => setConfirming(true)}
        >
          Remove
        </button>
      )}
      {error && (
        <p className="picker-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function RemoveConfirm({ path, onYes, onNo }: { path: string; onYes: () => void; onNo: () => void }) {
  const keep = useFocusOnMount<HTMLButtonElement>();
  return (
    <span className="delete-confirm" role="alertdialog" aria-label={`Remove ${path}`}>
      Remove {path.split(/[\\/]/).pop() || path} and its passages from the index? The files stay where they are.
      <button type="button" className="button button-small button-danger" onClick={onYes}>
        Remove
      </button>
      <button type="button" className="button button-small" ref={keep} onClick={onNo} onKeyDown={(e) => e.key === 'Escape' && onNo()}>
        Keep
      </button>
    </span>
  );
}
