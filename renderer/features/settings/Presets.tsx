import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Preset } from '../../../shared/types';
import { call } from '../../api/client';
import { presetsKey } from '../chat/ChatParams';

/**
 * System-prompt presets, managed inside the Settings panel. It sits in the panel's form, so it is no form itself:
 * its buttons act at once and never submit the panel.
 */
export function Presets() {
  const qc = useQueryClient();
  const presets = useQuery({ queryKey: presetsKey, queryFn: () => call('presets:list') });
  const [editing, setEditing] = useState<{ id: string | null; name: string; systemPrompt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (fn: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await fn();
      setEditing(null);
      await qc.invalidateQueries({ queryKey: presetsKey });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const save = (): Promise<void> =>
    run(() => {
      if (!editing) return Promise.resolve();
      const { id, name, systemPrompt } = editing;
      return id ? call('presets:update', { id, name, systemPrompt }) : call('presets:create', { name, systemPrompt });
    });
  const remove = (p: Preset): Promise<void> => run(() => call('presets:delete', { id: p.id }));

  return (
    <fieldset className="presets" data-testid="presets">
      <legend>System-prompt presets</legend>
      {presets.data?.length === 0 && <p className="presets-empty">No presets yet. Pick one per chat from “Parameters” in the top bar.</p>}
      <ul className="presets-list">
        {presets.data?.map((p) => (
          <li key={p.id} data-testid="preset-item">
            <span className="preset-name">{p.name}</span>
            <span className="preset-prompt">{p.systemPrompt}</span>
            <button
              type="button"
              className="button button-small"
              onClick={() => setEditing({ id: p.id, name: p.name, systemPrompt: p.systemPrompt })}
            >
              Edit
            </button>
            <button type="button" className="button button-small" aria-label={`Delete preset ${p.name}`} onClick={() => void remove(p)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {editing ? (
        <div className="preset-editor" data-testid="preset-editor">
          <label>
            Preset name
            <input
              data-testid="preset-name"
              value={editing.name}
              onChange={(e) => setEditing({ ...editing, name: e.target.value })}
              // Enter saves the preset, not the Settings form around it.
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  if (editing.name.trim()) void save();
                }
              }}
            />
          </label>
          <label>
            Preset system prompt
            <textarea
              rows={2}
              data-testid="preset-prompt"
              value={editing.systemPrompt}
              onChange={(e) => setEditing({ ...editing, systemPrompt: e.target.value })}
            />
          </label>
          <div className="settings-actions">
            <button type="button" className="button button-ghost button-small" onClick={() => setEditing(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-small"
              data-testid="preset-save"
              disabled={!editing.name.trim()}
              onClick={() => void save()}
            >
              Save preset
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          className="button button-small presets-add"
          data-testid="preset-add"
          onClick={() => setEditing({ id: null, name: '', systemPrompt: '' })}
        >
          New preset
        </button>
      )}
      {error && (
        <div className="picker-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}
