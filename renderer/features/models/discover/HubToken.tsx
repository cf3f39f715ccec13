import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';

/**
 * The Hugging Face token, for gated repositories (Llama, Gemma). A password field: what is typed is sent once and
 * never shown back; main keeps it like a secret and says only whether there is one.
 */
export function HubToken() {
  const qc = useQueryClient();
  const status = useQuery({ queryKey: queryKeys.hubToken, queryFn: () => call('hub:tokenStatus') });
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = async (value: string | null): Promise<void> => {
    setError(null);
    setSaved(null);
    try {
      const next = await call('hub:setToken', { token: value });
      qc.setQueryData(queryKeys.hubToken, next);
      setToken('');
      setSaved(next.hasToken ? 'Token saved.' : 'Token forgotten.');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const has = status.data?.hasToken;
  return (
    <section className="hub-token" aria-labelledby="hub-token-heading">
      <h2 id="hub-token-heading" className="models-subheading">
        Hugging Face token
      </h2>
      <p className="muted small-text" data-testid="hub-token-status">
        {status.error
          ? `Could not tell whether a token is stored: ${status.error.message}`
          : has === undefined
            ? 'Checking…'
            : has
              ? 'A token is stored. It is sent only to the Hub, for gated repositories.'
              : 'No token. Public models need none; gated ones (Llama, Gemma) need a read token from your Hugging Face account.'}
      </p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) void save(token.trim());
          else setError('Paste a token into the field first.');
        }}
      >
        <input
          type="password"
          autoComplete="off"
          spellCheck={false}
          aria-label="Hugging Face token"
          data-testid="hub-token-input"
          placeholder={has ? 'Enter a new token to replace it' : 'hf_…'}
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit" className="button button-small" data-testid="hub-token-save">
          Save token
        </button>
        {has && (
          <button type="button" className="button button-small button-ghost" onClick={() => void save(null)} data-testid="hub-token-forget">
            Forget the token
          </button>
        )}
        {saved && <output className="picker-note">{saved}</output>}
        {error && (
          <span className="picker-error" role="alert">
            {error}
          </span>
        )}
      </form>
    </section>
  );
}
