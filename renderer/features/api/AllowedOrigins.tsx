import { useRef, useState } from 'react';
import { call } from '../../api/client';
import { addOrigin } from './apiInput';
import { useApiChange } from './useApiServer';

/** The browser origins allowed to call the API: none by default, so no web page can. */
export function AllowedOrigins({ origins }: { origins: string[] }) {
  const change = useApiChange();
  const [draft, setDraft] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const save = (next: string[]): Promise<boolean> => change.run(() => call('api:configure', { allowedOrigins: next }));
  // One change at a time: the next one is made from the list this one leaves.
  const add = async (): Promise<void> => {
    if (change.busy) return;
    const next = addOrigin(origins, draft);
    if (!next.ok) return setInvalid(next.error);
    setInvalid(null);
    if (await save(next.value)) setDraft('');
  };
  const remove = async (origin: string): Promise<void> => {
    if (change.busy) return;
    await save(origins.filter((o) => o !== origin));
    // Its Remove button is gone: the keyboard goes to the field, the one place that is always there.
    input.current?.focus();
  };
  const error = invalid ?? change.error;
  return (
    <section className="api-card" aria-labelledby="api-origins-heading">
      <h3 id="api-origins-heading" className="api-subheading">
        Allowed web pages
      </h3>
      <p className="api-note">
        Web pages cannot call the API unless their origin is listed here. Editors, scripts and other programs are not web pages and need no
        entry.
      </p>
      {origins.length === 0 ? (
        <p className="api-empty" data-testid="api-origins-none">
          None: no web page can call the API.
        </p>
      ) : (
        <ul className="api-origins" aria-label="Allowed origins" data-testid="api-origins">
          {origins.map((o) => (
            <li key={o} className="chip">
              <code>{o}</code>
              <button type="button" className="chip-remove" aria-label={`Remove ${o}`} title={`Remove ${o}`} onClick={() => void remove(o)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="api-origin-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label className="inline-field api-origin-field">
          Origin to allow
          <input
            ref={input}
            data-testid="api-origin-input"
            value={draft}
            placeholder="https://app.example"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'api-origin-error' : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              setInvalid(null);
              change.clearError();
            }}
          />
        </label>
        <button type="submit" className="button button-small" data-testid="api-origin-add" aria-disabled={change.busy}>
          Allow
        </button>
      </form>
      {error && (
        <p id="api-origin-error" className="picker-error" role="alert" data-testid="api-origin-error">
          {error}
        </p>
      )}
    </section>
  );
}
