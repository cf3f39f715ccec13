import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Collection } from '../../../shared/rag';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { collectionsNav } from './collectionsNav';
import { messageOf } from './useCollections';

/** A name and Create: the new collection is selected, ready for its first folder or file. */
export function CreateCollection({ onCreated }: { onCreated?: (c: Collection) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async (): Promise<void> => {
    if (busy) return;
    const trimmed = name.trim();
    if (!trimmed) {
      setError('Give the collection a name first.');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const c = await call('collections:create', { name: trimmed });
      qc.setQueryData<Collection[]>(queryKeys.collections, (old) => (old && !old.some((x) => x.id === c.id) ? [...old, c] : old));
      void qc.invalidateQueries({ queryKey: queryKeys.collections, exact: true });
      setName('');
      collectionsNav.select(c.id);
      onCreated?.(c);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="collection-create"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <label className="inline-field">
        New collection
        <input
          value={name}
          maxLength={100}
          placeholder="Tax papers, Project notes…"
          onChange={(e) => {
            setName(e.target.value);
            if (error) setError(null);
          }}
          aria-describedby={error ? 'collection-create-error' : undefined}
          data-testid="collection-name"
        />
      </label>
      <button type="submit" className="button button-small button-primary" aria-disabled={busy} data-testid="collection-create">
        Create
      </button>
      {error && (
        <p className="picker-error" role="alert" id="collection-create-error">
          {error}
        </p>
      )}
    </form>
  );
}
