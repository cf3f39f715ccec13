import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Provider } from '../../../shared/api';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { placeOf, POLICIES } from '../router/routeText';
import { type RoutingEdits, remoteValue, routingPatch } from './routingPatch';

/**
 * The routing settings every chat shares: the default remote model (for chats that name none), the monthly cost
 * cap, and the auto threshold. Each with one line on what it does. Save sends only what changed.
 */
export function RoutingSettings({ providers }: { providers: readonly Provider[] }) {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => call('settings:get') });
  const [edits, setEdits] = useState<RoutingEdits>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const s = settings.data;
  if (!s) return null;
  const edit = (patch: RoutingEdits): void => {
    setSaved(false);
    setEdits((old) => ({ ...old, ...patch }));
  };
  const remotes = providers.flatMap((p) =>
    p.models.map((m) => ({
      value: remoteValue({ providerId: p.id, model: m.id }),
      label: `${placeOf('remote', p.name, m.id)}${p.enabled ? '' : ' (provider off)'}`,
    })),
  );
  const current = remoteValue(s.defaultRemote);
  const threshold = edits.autoRemoteThreshold ?? String(s.autoRemoteThreshold);

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    const r = routingPatch(s, edits);
    if (!r.ok) return setError(r.error);
    try {
      if (Object.keys(r.patch).length > 0) qc.setQueryData(queryKeys.settings, await call('settings:update', r.patch));
      setEdits({});
      setSaved(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form className="routing-settings" data-testid="routing-settings" aria-label="Routing settings" onSubmit={(e) => void save(e)}>
      <h3 className="models-subheading">Routing</h3>
      <label className="routing-field">
        <span className="routing-label">Default remote model</span>
        <select
          data-testid="default-remote"
          value={edits.defaultRemote ?? current}
          onChange={(e) => edit({ defaultRemote: e.target.value })}
        >
          <option value="">None</option>
          {current && !remotes.some((r) => r.value === current) && <option value={current}>{s.defaultRemote?.model} (deleted)</option>}
          {remotes.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <span className="muted small-text">Where chats set to remote or auto send their answers, unless a chat picks another.</span>
      </label>
      <label className="routing-field">
        <span className="routing-label">New chats</span>
        <select
          data-testid="new-chat-policy"
          value={edits.newChatRoutePolicy ?? s.newChatRoutePolicy}
          onChange={(e) => edit({ newChatRoutePolicy: e.target.value })}
        >
          {POLICIES.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        <span className="muted small-text">
          Where a chat&apos;s answers run until you choose otherwise in its Routing menu. Private chats and chats with documents stay on
          this machine whatever this says.
        </span>
      </label>
      <label className="routing-field">
        <span className="routing-label">Monthly cost cap (US dollars)</span>
        <input
          data-testid="cost-cap"
          inputMode="decimal"
          value={edits.monthlyCostCapUsd ?? String(s.monthlyCostCapUsd)}
          onChange={(e) => edit({ monthlyCostCapUsd: e.target.value })}
        />
        <span className="muted small-text">
          Once this month&apos;s remote answers cost this much, auto routing keeps answers on this machine.
        </span>
      </label>
      <label className="routing-field">
        <span className="routing-label">
          Auto threshold <output className="routing-value">{Number(threshold).toFixed(2)}</output>
        </span>
        <input
          type="range"
          data-testid="auto-threshold"
          min={0}
          max={1}
          step={0.05}
          value={threshold}
          onChange={(e) => edit({ autoRemoteThreshold: e.target.value })}
        />
        <span className="muted small-text">
          Auto sends a message out when it looks at least this complex (length, code, math, several steps): lower sends more.
        </span>
      </label>
      {error && (
        <p className="picker-error" role="alert">
          {error}
        </p>
      )}
      <div className="settings-actions">
        {saved && <output className="message-action-note">Saved</output>}
        <button type="submit" className="button button-primary" data-testid="routing-save">
          Save routing
        </button>
      </div>
    </form>
  );
}
