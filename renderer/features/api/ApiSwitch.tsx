import { useState } from 'react';
import type { ApiServerStatus } from '../../../shared/api';
import { call } from '../../api/client';
import { useApiChange } from './useApiServer';

/** What the server is doing, in words, with a dot of the same meaning. */
function stateLine(s: ApiServerStatus, asked: boolean | null): { tone: 'ok' | 'idle' | 'busy' | 'error'; text: string } {
  if (asked !== null) return { tone: 'busy', text: asked ? 'Starting…' : 'Stopping…' };
  if (s.running) return { tone: 'ok', text: `Running at ${s.baseUrl ?? `http://127.0.0.1:${s.port}/v1`}` };
  if (s.enabled && s.error) return { tone: 'error', text: `Not running: ${s.error}` };
  if (s.enabled) return { tone: 'busy', text: 'Starting…' };
  return { tone: 'idle', text: 'Off. No tool can reach it.' };
}

/** The on/off switch and what the server is doing. */
export function ApiSwitch({ status }: { status: ApiServerStatus }) {
  const change = useApiChange();
  // Which way the user flipped it, while main works on it (api:changed may arrive before the call's answer).
  const [asked, setAsked] = useState<boolean | null>(null);
  const pending = change.busy ? asked : null;
  const line = stateLine(status, pending);
  // The switch moves at once; the line below says whether the server followed.
  const on = pending ?? status.enabled;
  return (
    <section className="api-card api-head" aria-labelledby="api-heading">
      <div className="api-head-row">
        <h2 id="api-heading" className="api-heading">
          API server
        </h2>
        <label className="api-switch">
          <input
            type="checkbox"
            role="switch"
            aria-checked={on}
            data-testid="api-enabled"
            aria-label="API server"
            checked={on}
            // Not disabled while main works: a disabled control drops the keyboard focus. A flip meanwhile is ignored.
            aria-busy={change.busy}
            aria-describedby="api-state"
            onChange={(e) => {
              const enabled = e.target.checked;
              if (change.busy) return;
              setAsked(enabled);
              void change.run(() => call('api:configure', { enabled }));
            }}
          />
          <span className="api-switch-track" aria-hidden="true" />
          {/* The switch itself tells a screen reader on or off; the word is for the eye. */}
          <span aria-hidden="true">{on ? 'On' : 'Off'}</span>
        </label>
      </div>
      <p className="api-intro">
        Lets your editor, scripts and other tools use the model Hearth has loaded, through the OpenAI API. It listens on 127.0.0.1, so only
        this computer can reach it, and every request needs the key below.
      </p>
      <output id="api-state" className="api-state" data-testid="api-state" data-tone={line.tone}>
        <span className={`dot dot-${line.tone}`} aria-hidden="true" />
        {line.text}
      </output>
      {change.error && (
        <p className="picker-error" role="alert" data-testid="api-enabled-error">
          {change.error}
        </p>
      )}
    </section>
  );
}
