import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { ApiServerStatus } from '../../../shared/api';
import { call } from '../../api/client';
import { maskKey } from './apiFormat';
import { CopyButton } from './CopyButton';
import { useApiChange } from './useApiServer';

/** The bearer key: hidden until asked, copied whole, replaced only after the user confirms (tools using it stop working). */
export function ApiKey({ status }: { status: ApiServerStatus }) {
  const change = useApiChange();
  const [shown, setShown] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [renewed, setRenewed] = useState(false);
  const regenerate = useRef<HTMLButtonElement>(null);
  const close = (): void => {
    setConfirming(false);
    // The dialog's buttons go away: the keyboard goes back to the button that opened it.
    requestAnimationFrame(() => regenerate.current?.focus());
  };
  const regenerateKey = async (): Promise<void> => {
    if (await change.run(() => call('api:regenerateKey'))) setRenewed(true);
    close();
  };
  const key = status.key;
  return (
    <section className="api-card" aria-labelledby="api-key-heading">
      <h3 id="api-key-heading" className="api-subheading">
        Key
      </h3>
      {key === null ? (
        <p className="api-note" data-testid="api-key-none">
          A key is made the first time the server starts. Tools send it as <code>Authorization: Bearer &lt;key&gt;</code>.
        </p>
      ) : (
        <>
          <p className="api-note">
            Tools send it as <code>Authorization: Bearer &lt;key&gt;</code> (the <code>apiKey</code> of an OpenAI client).
          </p>
          <div className="api-value-row">
            <code className="api-value api-key" data-testid="api-key" data-shown={shown}>
              {shown ? key : maskKey(key)}
              {!shown && <span className="sr-only"> (hidden)</span>}
            </code>
            <button
              type="button"
              className="button button-small"
              aria-pressed={shown}
              data-testid="api-key-show"
              onClick={() => setShown((s) => !s)}
            >
              {shown ? 'Hide' : 'Show'}
              <span className="sr-only"> the key</span>
            </button>
            <CopyButton text={key} what="the key" testId="api-key-copy" />
          </div>
          <div className="api-value-row">
            <button
              type="button"
              ref={regenerate}
              className="button button-small button-ghost"
              data-testid="api-key-regenerate"
              aria-expanded={confirming}
              onClick={() => {
                setRenewed(false);
                setConfirming(true);
              }}
            >
              Regenerate…
            </button>
            {/* Always there, so a screen reader hears the words when they come. */}
            <output className={renewed ? 'api-note api-ok' : 'api-note'} data-testid="api-key-renewed">
              {renewed
                ? 'A new key was made. The old one no longer works: give the new one to your tools.'
                : 'If the key got out, make a new one.'}
            </output>
          </div>
          {confirming && <Confirm busy={change.busy} onYes={() => void regenerateKey()} onCancel={close} />}
        </>
      )}
      {change.error && (
        <p className="picker-error" role="alert">
          {change.error}
        </p>
      )}
      {status.keyFile && (
        <p className="api-note">
          Kept in <code data-testid="api-key-file">{status.keyFile}</code>, which only your user account can read.
        </p>
      )}
    </section>
  );
}

function Confirm({ busy, onYes, onCancel }: { busy: boolean; onYes: () => void; onCancel: () => void }) {
  const yes = useRef<HTMLButtonElement>(null);
  // The question appears because the user asked: the keyboard goes to its answer.
  useEffect(() => yes.current?.focus(), []);
  const escape = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') onCancel();
  };
  return (
    <div
      className="delete-confirm api-confirm"
      role="alertdialog"
      aria-label="Make a new key"
      aria-describedby="api-key-confirm-text"
      data-testid="api-key-confirm"
    >
      <span id="api-key-confirm-text">Make a new key? Tools using the current key stop working until you give them the new one.</span>
      <button
        type="button"
        ref={yes}
        className="button button-small button-danger"
        data-testid="api-key-confirm-yes"
        disabled={busy}
        onClick={onYes}
        onKeyDown={escape}
      >
        Make a new key
      </button>
      <button type="button" className="button button-small button-ghost" onClick={onCancel} onKeyDown={escape}>
        Cancel
      </button>
    </div>
  );
}
