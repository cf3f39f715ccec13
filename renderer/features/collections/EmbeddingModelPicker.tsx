import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { Settings } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { openModels } from '../models/viewStore';
import { embeddingChoices } from './embeddingChoices';
import { messageOf } from './useCollections';

const NONE = '';

/**
 * The model every collection is embedded with, from the library. None: collections are searched by keywords only.
 * Changing it re-embeds what was embedded with another model, so the choice says so before it is made.
 */
export function EmbeddingModelPicker({ settings }: { settings: Settings | undefined }) {
  const qc = useQueryClient();
  const models = useQuery({ queryKey: queryKeys.models, queryFn: () => call('models:list') });
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const noteId = useId();
  const current = settings?.embeddingModelPath ?? null;
  const choices = embeddingChoices(models.data, current);
  const embedding = choices.filter((c) => c.group === 'embedding');
  const other = choices.filter((c) => c.group === 'other');

  const choose = async (path: string | null): Promise<void> => {
    setError(null);
    setSaving(true);
    try {
      const r = await call('collections:setEmbeddingModel', { path });
      qc.setQueryData<Settings>(queryKeys.settings, (old) => (old ? { ...old, embeddingModelPath: r.path } : old));
      void qc.invalidateQueries({ queryKey: queryKeys.collections, exact: true });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="embedding-picker">
      <label className="inline-field">
        Embedding model
        <select
          value={current ?? NONE}
          disabled={!settings}
          aria-busy={saving}
          aria-describedby={noteId}
          data-testid="embedding-model"
          onChange={(e) => void choose(e.target.value === NONE ? null : e.target.value)}
        >
          <option value={NONE}>None: keyword search only</option>
          {embedding.length > 0 && (
            <optgroup label="Embedding models">
              {embedding.map((c) => (
                <option key={c.path} value={c.path}>
                  {c.label}
                </option>
              ))}
            </optgroup>
          )}
          {other.length > 0 && (
            <optgroup label="Other models (they embed, less well)">
              {other.map((c) => (
                <option key={c.path} value={c.path}>
                  {c.label}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      <p className="muted small-text" id={noteId}>
        {current
          ? 'Collections are searched by meaning and by keywords. Another model re-embeds every collection.'
          : 'Without an embedding model, collections are searched by keywords only.'}{' '}
        {embedding.length === 0 && (
          <button type="button" className="link-button" onClick={() => openModels('discover')}>
            Find an embedding model
          </button>
        )}
      </p>
      {saving && <output className="picker-note">Saving…</output>}
      {error && (
        <p className="picker-error" role="alert" data-testid="embedding-model-error">
          {error}
        </p>
      )}
    </div>
  );
}
