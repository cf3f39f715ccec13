import { useState } from 'react';
import type { ApiServerStatus } from '../../../shared/api';
import { call } from '../../api/client';
import { parsePort } from './apiInput';
import { CopyButton } from './CopyButton';
import { baseUrlFor } from './snippets';
import { useApiChange } from './useApiServer';

/** The address to paste into a tool, and the port it is on (changed with a button, so a half-typed one never applies). */
export function Address({ status }: { status: ApiServerStatus }) {
  const change = useApiChange();
  // What the user typed; null until they type, so the field follows the port wherever it moves (another window).
  const [typed, setTyped] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const draft = typed ?? String(status.port);
  const url = baseUrlFor(status);
  const unchanged = change.busy || draft.trim() === String(status.port);
  const apply = async (): Promise<void> => {
    if (unchanged) return;
    const port = parsePort(draft);
    if (!port.ok) return setInvalid(port.error);
    setInvalid(null);
    if (await change.run(() => call('api:configure', { port: port.value }))) setTyped(null);
  };
  const error = invalid ?? change.error;
  return (
    <section className="api-card" aria-labelledby="api-address-heading">
      <h3 id="api-address-heading" className="api-subheading">
        Address
      </h3>
      <p className="api-note">{status.running ? 'Paste it into your tool as the base URL.' : 'The address it will have once it runs.'}</p>
      <div className="api-value-row">
        <code className="api-value" data-testid="api-address">
          {url}
        </code>
        <CopyButton text={url} what="the address" testId="api-address-copy" />
      </div>
      <form
        className="api-port"
        onSubmit={(e) => {
          e.preventDefault();
          void apply();
        }}
      >
        <label className="inline-field api-port-field">
          Port
          <input
            data-testid="api-port"
            inputMode="numeric"
            value={draft}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'api-port-error' : undefined}
            onChange={(e) => {
              setTyped(e.target.value);
              setInvalid(null);
              change.clearError();
            }}
          />
        </label>
        <button
          type="submit"
          className="button button-small"
          data-testid="api-port-apply"
          // aria-disabled, not disabled: a button that turns disabled under the keyboard drops the focus.
          aria-disabled={unchanged}
        >
          {change.busy ? 'Applying…' : 'Use this port'}
        </button>
      </form>
      {error && (
        <p id="api-port-error" className="picker-error" role="alert" data-testid="api-port-error">
          {error}
        </p>
      )}
    </section>
  );
}
