import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Provider } from '../../../shared/api';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { type KeyEdit, type ModelRow, type ProviderDraft, inputOf } from './providerDraft';

interface Props {
  initial: ProviderDraft;
  onSaved: (p: Provider) => void;
  onCancel: () => void;
}

/**
 * Adds or edits a provider: name, base URL, key, models with their prices, enabled. A saved key is never shown
 * again: it can be replaced or removed. Where the keys are kept is said beside the key field, with a warning when
 * they are less safe than one would think (Linux without a keyring).
 */
export function ProviderForm({ initial, onSaved, onCancel }: Props) {
  const qc = useQueryClient();
  const [d, setD] = useState<ProviderDraft>(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const keyHelp = useId();
  const store = useQuery({ queryKey: queryKeys.secretStore, queryFn: () => call('providers:secretStore') });
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => first.current?.focus(), []);
  // Escape cancels, as it closes every panel, while the focus is in the form.
  const cancel = useRef(onCancel);
  useEffect(() => {
    cancel.current = onCancel;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented || !form.current?.contains(document.activeElement)) return;
      e.preventDefault();
      cancel.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const set = (patch: Partial<ProviderDraft>): void => setD((old) => ({ ...old, ...patch }));
  const setRow = (i: number, patch: Partial<ModelRow>): void =>
    setD((old) => ({ ...old, models: old.models.map((r, j) => (j === i ? { ...r, ...patch } : r)) }));
  const setKey = (key: KeyEdit): void => set({ key });

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    const r = inputOf(d);
    if (!r.ok) return setError(r.error);
    setBusy(true);
    try {
      const saved = await call('providers:save', r.input);
      await qc.invalidateQueries({ queryKey: queryKeys.providers });
      onSaved(saved);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <form
      className="provider-form"
      data-testid="provider-form"
      aria-label={d.id ? `Edit ${initial.name}` : 'Add a provider'}
      ref={form}
      onSubmit={(e) => void submit(e)}
    >
      <h3 className="models-subheading">{d.id ? `Edit ${initial.name}` : 'Add a provider'}</h3>
      <div className="provider-fields">
        <label className="inline-field">
          Name
          <input
            ref={first}
            data-testid="provider-name"
            value={d.name}
            placeholder="OpenAI"
            onChange={(e) => set({ name: e.target.value })}
          />
        </label>
        <label className="inline-field">
          Base URL (up to and including /v1)
          <input
            data-testid="provider-url"
            value={d.baseUrl}
            inputMode="url"
            placeholder="https://api.openai.com/v1"
            onChange={(e) => set({ baseUrl: e.target.value })}
          />
        </label>
      </div>
      <fieldset className="provider-key" aria-describedby={keyHelp}>
        <legend>Key</legend>
        {d.hasKey && d.key.mode === 'keep' ? (
          <div className="provider-key-stored">
            <span data-testid="provider-key-stored">A key is stored, not shown.</span>
            <button
              type="button"
              className="button button-small"
              data-testid="provider-key-replace"
              onClick={() => setKey({ mode: 'set', value: '' })}
            >
              Replace
            </button>
            <button
              type="button"
              className="button button-small button-ghost"
              data-testid="provider-key-remove"
              onClick={() => setKey({ mode: 'remove' })}
            >
              Remove
            </button>
          </div>
        ) : d.key.mode === 'remove' ? (
          <div className="provider-key-stored">
            <span>The stored key will be removed when you save.</span>
            <button type="button" className="button button-small" onClick={() => setKey({ mode: 'keep' })}>
              Keep it
            </button>
          </div>
        ) : (
          <div className="provider-key-stored">
            <input
              type="password"
              autoComplete="off"
              data-testid="provider-key"
              aria-label="Key"
              placeholder={d.hasKey ? 'The new key' : 'sk-… (leave empty for a server without keys)'}
              value={d.key.mode === 'set' ? d.key.value : ''}
              onChange={(e) => setKey({ mode: 'set', value: e.target.value })}
            />
            {d.hasKey && (
              <button type="button" className="button button-small button-ghost" onClick={() => setKey({ mode: 'keep' })}>
                Keep the stored key
              </button>
            )}
          </div>
        )}
        <p id={keyHelp} className="muted small-text">
          Kept {store.data?.kind === 'file' ? 'in a file only you can read' : "in the system's key store"}; it is sent only to this base
          URL.
        </p>
        {store.data?.warning && (
          <p className="provider-warning" role="note" data-testid="secret-store-warning">
            {store.data.warning}
          </p>
        )}
      </fieldset>
      <fieldset className="provider-models">
        <legend>Models and their prices (US dollars per million tokens; 0 for your own server)</legend>
        <table className="provider-models-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Input $/M</th>
              <th scope="col">Output $/M</th>
              <th scope="col">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {d.models.map((row, i) => (
              // Rows have no id until typed; their place is their identity while the form is open.
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, never reordered
              <tr key={i} data-testid="provider-model-row">
                <td>
                  <input
                    aria-label={`Model ${i + 1}`}
                    data-testid="provider-model-id"
                    value={row.id}
                    placeholder="gpt-4o-mini"
                    onChange={(e) => setRow(i, { id: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Input price of model ${i + 1}`}
                    data-testid="provider-model-input"
                    inputMode="decimal"
                    value={row.input}
                    placeholder="0"
                    onChange={(e) => setRow(i, { input: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Output price of model ${i + 1}`}
                    data-testid="provider-model-output"
                    inputMode="decimal"
                    value={row.output}
                    placeholder="0"
                    onChange={(e) => setRow(i, { output: e.target.value })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="message-action"
                    aria-label={`Remove model ${row.id || i + 1}`}
                    onClick={() => setD((old) => ({ ...old, models: old.models.filter((_, j) => j !== i) }))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          className="button button-small provider-add-model"
          data-testid="provider-add-model"
          onClick={() => setD((old) => ({ ...old, models: [...old.models, { id: '', input: '', output: '' }] }))}
        >
          Add a model
        </button>
      </fieldset>
      <label className="checkbox-field">
        <input type="checkbox" data-testid="provider-enabled" checked={d.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        Enabled: answers may be sent to this provider (when a chat&apos;s routing says so)
      </label>
      {error && (
        <p className="picker-error" role="alert" data-testid="provider-error">
          {error}
        </p>
      )}
      <div className="settings-actions">
        <button type="button" className="button button-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="provider-save" disabled={busy}>
          {d.id ? 'Save' : 'Add provider'}
        </button>
      </div>
    </form>
  );
}
