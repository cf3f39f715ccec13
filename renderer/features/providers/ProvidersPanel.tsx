import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { ProviderCard } from './ProviderCard';
import { draftOf, type ProviderDraft } from './providerDraft';
import { ProviderForm } from './ProviderForm';
import { RoutingSettings } from './RoutingSettings';
import './providers.css';

/**
 * Remote OpenAI-compatible providers (a frontier API, or the user's own vLLM or llama.cpp server): add one with
 * its key, models and prices, check it, enable it; then the routing settings (default remote model, monthly cap,
 * auto threshold). Nothing leaves the machine until a provider is enabled, and the page says so.
 */
export function ProvidersPanel() {
  const providers = useQuery({ queryKey: queryKeys.providers, queryFn: () => call('providers:list') });
  const store = useQuery({ queryKey: queryKeys.secretStore, queryFn: () => call('providers:secretStore') });
  const [editing, setEditing] = useState<ProviderDraft | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  // The button that opened the form gets the focus back when it closes (Add is shown again; an Edit stays).
  const opener = useRef<HTMLElement | null>(null);
  const list = providers.data ?? [];
  const anyEnabled = list.some((p) => p.enabled);
  const edit = (draft: ProviderDraft): void => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setEditing(draft);
  };
  const close = (): void => setEditing(null);
  useEffect(() => {
    if (editing) return;
    const back = opener.current;
    opener.current = null;
    if (back?.isConnected) back.focus();
    else if (back) addButton.current?.focus();
  }, [editing]);

  return (
    <div className="providers" data-testid="providers-panel">
      <div className="providers-top">
        <p className="providers-intro">
          Any OpenAI-compatible endpoint: a frontier API, or your own vLLM or llama.cpp server. Each chat chooses where its answers run (the
          route button in the top bar).
        </p>
        {!editing && (
          <button
            ref={addButton}
            type="button"
            className="button button-primary"
            data-testid="provider-add"
            onClick={() => edit(draftOf(null))}
          >
            Add a provider
          </button>
        )}
      </div>
      {store.data?.warning && !editing && (
        <p className="provider-warning" role="note">
          {store.data.warning}
        </p>
      )}
      <p className={anyEnabled ? 'providers-state muted small-text' : 'providers-state banner-ok'} data-testid="providers-state">
        {anyEnabled
          ? 'Chats set to remote or auto may send their messages to the enabled providers. Private chats and chats with documents never do.'
          : 'Nothing leaves this machine: no provider is enabled. Answers are written here until you enable one.'}
      </p>
      {editing && <ProviderForm key={editing.id ?? 'new'} initial={editing} onSaved={close} onCancel={close} />}
      {providers.isError && <p className="models-error">{providers.error.message}</p>}
      {providers.isSuccess && list.length === 0 && !editing && (
        <div className="models-empty" data-testid="providers-empty">
          <p>No remote providers. Add one to send hard questions to a bigger model, or to use your own inference server.</p>
        </div>
      )}
      {list.length > 0 && (
        <ul className="provider-list">
          {list.map((p) => (
            <ProviderCard key={p.id} provider={p} onEdit={(extra) => edit(draftOf(p, extra))} />
          ))}
        </ul>
      )}
      <RoutingSettings providers={list} />
    </div>
  );
}
