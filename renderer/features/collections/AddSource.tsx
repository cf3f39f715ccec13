import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { Collection } from '../../../shared/rag';
import type { AppInfo } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { messageOf } from './useCollections';

interface Props {
  collection: Collection;
  info: AppInfo | undefined;
}

/**
 * A folder or a file into the collection: the system's dialog where the window has one (desktop), its full path
 * typed in everywhere (a browser cannot say where a file is on disk). Folders are watched unless the box is cleared.
 */
export function AddSource({ collection, info }: Props) {
  const qc = useQueryClient();
  const [path, setPath] = useState('');
  const [watch, setWatch] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const add = async (p: string): Promise<void> => {
    setError(null);
    setAdded(null);
    setBusy(true);
    try {
      const c = await call('collections:addSource', { id: collection.id, path: p, watch });
      qc.setQueryData<Collection[]>(queryKeys.collections, (old) => old?.map((x) => (x.id === c.id ? c : x)));
      void qc.invalidateQueries({ queryKey: queryKeys.collectionDocuments(c.id) });
      setPath('');
      setAdded(`Added ${p.split(/[\\/]/).pop() || p}; indexing starts in the background.`);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const pick = async (kind: 'file' | 'folder'): Promise<void> => {
    setError(null);
    try {
      const picked = await call('collections:pickPath', { kind });
      if (picked.path) await add(picked.path);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <div className="add-source">
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (busy) return;
          if (path.trim()) void add(path.trim());
          else setError('Type the full path of a folder or a file first.');
        }}
      >
        <label className="inline-field add-source-path">
          Add a folder or a file by its full path
          <input
            value={path}
            placeholder="/home/me/Documents/notes"
            spellCheck={false}
            onChange={(e) => {
              setPath(e.target.value);
              if (error) setError(null);
            }}
            aria-describedby={error ? errorId : undefined}
            data-testid="source-path"
          />
        </label>
        <button type="submit" className="button button-small" aria-disabled={busy} data-testid="source-add">
          Add
        </button>
        {info?.canPickFiles && (
          <>
            <button type="button" className="button button-small" onClick={() => void pick('folder')} data-testid="source-pick-folder">
              Choose a folder…
            </button>
            <button type="button" className="button button-small" onClick={() => void pick('file')} data-testid="source-pick-file">
              Choose a file…
            </button>
          </>
        )}
        <label className="checkbox-field">
          <input type="checkbox" checked={watch} onChange={(e) => setWatch(e.target.checked)} data-testid="source-watch" />
          Watch folders: index new, changed and deleted files by themselves
        </label>
      </form>
      {added && <output className="picker-note">{added}</output>}
      {error && (
        <p className="picker-error" role="alert" id={errorId} data-testid="source-error">
          {error}
        </p>
      )}
    </div>
  );
}
