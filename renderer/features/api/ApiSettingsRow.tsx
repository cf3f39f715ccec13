import { useState } from 'react';
import { call } from '../../api/client';
import './apiServer.css';
import { viewStore } from '../models/viewStore';
import { useApiChange, useApiStatus } from './useApiServer';

/**
 * The API server in the Settings panel: on or off (at once, not with Save), where it runs, and the way to its key,
 * origins and request log in Connections.
 */
export function ApiSettingsRow({ onOpen }: { onOpen: () => void }) {
  const status = useApiStatus();
  const change = useApiChange();
  // Which way the user flipped it, shown at once while main starts or stops the server.
  const [asked, setAsked] = useState<boolean | null>(null);
  const s = status.data;
  if (!s) return null;
  const line = s.running
    ? `Running at ${s.baseUrl ?? `http://127.0.0.1:${s.port}/v1`}`
    : s.enabled && s.error
      ? `Not running: ${s.error}`
      : 'Off: no other app can use Hearth.';
  return (
    <fieldset className="settings-api" data-testid="settings-api">
      <legend>Local API server</legend>
      <label className="settings-check">
        <input
          type="checkbox"
          data-testid="settings-api-enabled"
          checked={change.busy && asked !== null ? asked : s.enabled}
          aria-describedby="settings-api-state"
          onChange={(e) => {
            const enabled = e.target.checked;
            setAsked(enabled);
            void change.run(() => call('api:configure', { enabled }));
          }}
        />
        Let your editor, scripts and other apps use Hearth's models (OpenAI-compatible, on this machine only; applies at once)
      </label>
      <p id="settings-api-state" className="muted small-text" data-testid="settings-api-state">
        {change.busy ? 'Working…' : line}
      </p>
      {change.error && (
        <p className="picker-error" role="alert">
          {change.error}
        </p>
      )}
      <button
        type="button"
        className="button button-ghost"
        data-testid="settings-api-open"
        onClick={() => {
          viewStore.set({ view: 'connections' });
          onOpen();
        }}
      >
        Key, allowed web pages and request log…
      </button>
    </fieldset>
  );
}
