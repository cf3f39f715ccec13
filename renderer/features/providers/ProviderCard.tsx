import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Provider, ProviderCheck } from '../../../shared/api';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { formatUsd } from '../router/routeText';
import { toggled } from './providerDraft';

interface Props {
  provider: Provider;
  /** Opens the edit form, with the models a check found added as rows. */
  onEdit: (extraModels: string[]) => void;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** One provider in the list: its URL, key, models and prices, the enabled switch, Check, Edit and Delete. */
export function ProviderCard({ provider: p, onEdit }: Props) {
  const qc = useQueryClient();
  const [check, setCheck] = useState<ProviderCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const refresh = (): Promise<void> => qc.invalidateQueries({ queryKey: queryKeys.providers });

  const runCheck = async (): Promise<void> => {
    setError(null);
    setCheck(null);
    setChecking(true);
    try {
      setCheck(await call('providers:check', { id: p.id }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setChecking(false);
    }
  };
  const setEnabled = async (enabled: boolean): Promise<void> => {
    setError(null);
    try {
      await call('providers:save', toggled(p, enabled));
      await refresh();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const remove = async (): Promise<void> => {
    setError(null);
    try {
      await call('providers:delete', { id: p.id });
      await refresh();
    } catch (e) {
      setError(messageOf(e));
      setConfirming(false);
    }
  };
  const unlisted = check?.ok ? check.models.filter((m) => !p.models.some((x) => x.id === m)) : [];

  return (
    <li className="provider-card" data-testid="provider" data-enabled={String(p.enabled)}>
      <div className="provider-head">
        <h3 className="provider-name">{p.name}</h3>
        <code className="provider-url">{p.baseUrl}</code>
        <label className="provider-switch" title={p.models.length === 0 ? 'Add a model first' : undefined}>
          <input
            type="checkbox"
            role="switch"
            aria-checked={p.enabled}
            data-testid="provider-toggle"
            checked={p.enabled}
            disabled={!p.enabled && p.models.length === 0}
            onChange={(e) => void setEnabled(e.target.checked)}
          />
          {p.enabled ? 'Enabled' : 'Off'}
        </label>
      </div>
      <p className="muted small-text">
        {p.hasKey ? 'A key is stored, not shown.' : 'No key stored.'}{' '}
        {p.enabled ? 'Answers may go here when a chat\u2019s routing says so.' : 'Off: nothing is sent here.'}
      </p>
      {p.models.length > 0 ? (
        <ul className="provider-model-list">
          {p.models.map((m) => (
            <li key={m.id}>
              <span className="provider-model-id">{m.id}</span>{' '}
              <span className="muted">
                {m.inputPerMTok === 0 && m.outputPerMTok === 0
                  ? 'free'
                  : `${formatUsd(m.inputPerMTok)} in · ${formatUsd(m.outputPerMTok)} out per million tokens`}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small-text">No models yet: edit the provider to add the ones you want to use.</p>
      )}
      {check && (
        <output
          className={check.ok ? 'provider-check provider-check-ok' : 'provider-check provider-check-bad'}
          data-testid="provider-check"
        >
          <span>{check.message}</span>
          {unlisted.length > 0 && (
            <span>
              It also serves {unlisted.slice(0, 6).join(', ')}
              {unlisted.length > 6 ? ` and ${unlisted.length - 6} more` : ''}.{' '}
              <button type="button" className="link-button" onClick={() => onEdit(unlisted)}>
                Add {unlisted.length === 1 ? 'it' : 'them'}
              </button>
            </span>
          )}
        </output>
      )}
      {error && (
        <p className="picker-error" role="alert">
          {error}
        </p>
      )}
      <div className="provider-actions">
        <button
          type="button"
          className="button button-small"
          data-testid="provider-check-run"
          disabled={checking}
          onClick={() => void runCheck()}
        >
          {checking ? 'Checking…' : 'Check'}
        </button>
        <button type="button" className="button button-small" data-testid="provider-edit" onClick={() => onEdit([])}>
          Edit
        </button>
        {confirming ? (
          <span className="delete-confirm">
            Delete {p.name} and its key?
            <button
              type="button"
              className="button button-small button-danger"
              data-testid="provider-delete-confirm"
              onClick={() => void remove()}
            >
              Delete
            </button>
            <button type="button" className="button button-small" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button button-small button-ghost"
            data-testid="provider-delete"
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        )}
      </div>
    </li>
  );
}
