import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { ConversationRouting, RemoteModelRef, RoutePolicy } from '../../../shared/api';
import type { Settings } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { useDismiss } from '../collections/useDismiss';
import { POLICIES, placeOf, policyLabel } from './routeText';
import { stayNote } from './stayNote';
import './router.css';

interface Props {
  /** The open conversation; null for a chat not started yet (routing belongs to a conversation). */
  conversationId: string | null;
  settings: Settings | undefined;
  /** A chat not started yet becomes a conversation when its routing is opened, so it can be private from its first message. */
  onConversation: (id: string) => void;
}

/**
 * Where this conversation's answers run, in the top bar: local only, remote only or auto, which remote model,
 * and "Private". Each change is saved at once (router:set). When the chat cannot leave the machine (private,
 * documents attached, no provider enabled) it says so, whatever the policy.
 */
export function RoutePicker({ conversationId, settings, onConversation }: Props) {
  // Open for one conversation: switching chats closes it.
  const [openFor, setOpenFor] = useState<string | null>(null);
  const open = openFor !== null && openFor === conversationId;
  const button = useRef<HTMLButtonElement>(null);
  const wrap = useRef<HTMLSpanElement>(null);
  const popoverId = useId();
  const qc = useQueryClient();
  const [createError, setCreateError] = useState<string | null>(null);
  useDismiss(open, wrap, button, () => setOpenFor(null));
  const routing = useQuery({
    queryKey: queryKeys.routing(conversationId ?? ''),
    queryFn: () => call('router:get', { conversationId: conversationId! }),
    enabled: !!conversationId,
  });
  const r = conversationId ? routing.data : undefined;
  const label = r ? `${policyLabel(r.policy)}${r.private ? ' · Private' : ''}` : 'Routing';
  return (
    <span className="route-picker" ref={wrap}>
      <button
        type="button"
        ref={button}
        className="button button-ghost route-picker-button"
        data-testid="route-picker"
        data-policy={r?.policy}
        data-private={r ? String(r.private) : undefined}
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        aria-label={`Where answers run: ${label}`}
        title="Where this chat\u2019s answers run: this machine, a remote model, or auto; and whether it is private"
        onClick={() => {
          if (conversationId) return setOpenFor(open ? null : conversationId);
          // A new chat: made now (as attaching collections does), so it can be marked private before its first
          // message is sent anywhere.
          void call('conversations:create').then(
            (c) => {
              void qc.invalidateQueries({ queryKey: queryKeys.conversations });
              setOpenFor(c.id);
              onConversation(c.id);
            },
            (e: unknown) => setCreateError(e instanceof Error ? e.message : String(e)),
          );
        }}
      >
        {r?.private && (
          <span className="route-lock" aria-hidden="true">
            ●
          </span>
        )}
        {label}
      </button>
      {createError && (
        <span className="route-error" role="alert">
          {createError}
        </span>
      )}
      {open && r && <RouteForm id={popoverId} routing={r} settings={settings} />}
    </span>
  );
}

const remoteKey = (m: RemoteModelRef): string => `${m.providerId}\n${m.model}`;

type RoutingPatch = { policy?: RoutePolicy; private?: boolean; remote?: RemoteModelRef | null };

function RouteForm({ id, routing, settings }: { id: string; routing: ConversationRouting; settings: Settings | undefined }) {
  const qc = useQueryClient();
  // What the user just chose, shown in the same frame as the click (a controlled radio or checkbox that waited for
  // the cache would spring back first), until main's answer is in the cache.
  const [pending, setPending] = useState<RoutingPatch>({});
  const r = { ...routing, ...pending };
  const [error, setError] = useState<string | null>(null);
  const name = useId();
  const providers = useQuery({ queryKey: queryKeys.providers, queryFn: () => call('providers:list') });
  const attached = useQuery({
    queryKey: queryKeys.conversationCollections(r.conversationId),
    queryFn: () => call('conversations:collections', { id: r.conversationId }),
  });
  const enabled = (providers.data ?? []).filter((p) => p.enabled);
  const remotes = enabled.flatMap((p) =>
    p.models.map((m) => ({ ref: { providerId: p.id, model: m.id }, label: placeOf('remote', p.name, m.id) })),
  );
  const def = settings?.defaultRemote;
  const defLabel = def ? remotes.find((x) => remoteKey(x.ref) === remoteKey(def))?.label : undefined;
  const note = stayNote({
    routing: r,
    documents: (attached.data?.collectionIds.length ?? 0) > 0,
    providerEnabled: providers.data ? enabled.length > 0 : null,
  });

  const box = useRef<HTMLDivElement>(null);
  // The chosen policy takes the focus when the popover opens; the arrow keys move between the three.
  useEffect(() => box.current?.querySelector<HTMLInputElement>('input[type="radio"]:checked')?.focus(), []);

  const save = async (patch: RoutingPatch): Promise<void> => {
    setError(null);
    setPending((old) => ({ ...old, ...patch }));
    const key = queryKeys.routing(r.conversationId);
    // The top bar's button says it too, a moment later.
    qc.setQueryData<ConversationRouting>(key, (old) => (old ? { ...old, ...patch } : old));
    try {
      qc.setQueryData(key, await call('router:set', { conversationId: r.conversationId, ...patch }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      await qc.invalidateQueries({ queryKey: key });
    } finally {
      // Main's answer (or, after a refusal, what main has) is the truth now.
      setPending((old) => Object.fromEntries(Object.entries(old).filter(([k]) => !(k in patch))));
    }
  };

  return (
    <div id={id} ref={box} className="route-popover" data-testid="route-popover">
      <fieldset className="route-policies">
        <legend>Where this chat&apos;s answers run</legend>
        {POLICIES.map((p) => (
          <label key={p.value} className="route-policy">
            <input
              type="radio"
              name={name}
              value={p.value}
              data-testid={`route-policy-${p.value}`}
              checked={r.policy === p.value}
              onChange={() => void save({ policy: p.value })}
            />
            <span className="route-policy-label">{p.label}</span>
            <span className="route-policy-hint muted small-text">{p.hint}</span>
          </label>
        ))}
      </fieldset>
      {r.policy !== 'local' && (
        <label className="route-remote-field">
          Remote model
          <select
            data-testid="route-remote"
            value={r.remote ? remoteKey(r.remote) : ''}
            onChange={(e) => {
              const picked = remotes.find((x) => remoteKey(x.ref) === e.target.value);
              void save({ remote: picked ? picked.ref : null });
            }}
          >
            <option value="">{defLabel ? `The default (${defLabel})` : 'The default (none chosen yet)'}</option>
            {r.remote && !remotes.some((x) => remoteKey(x.ref) === remoteKey(r.remote!)) && (
              <option value={remoteKey(r.remote)}>{r.remote.model} (its provider is off)</option>
            )}
            {remotes.map((x) => (
              <option key={remoteKey(x.ref)} value={remoteKey(x.ref)}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="checkbox-field route-private">
        <input type="checkbox" data-testid="route-private" checked={r.private} onChange={(e) => void save({ private: e.target.checked })} />
        Private: this chat never leaves this machine
      </label>
      {note && (
        <output className={`route-note route-note-${note.kind}`} data-testid="route-note">
          {note.text}
        </output>
      )}
      {error && (
        <p className="picker-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
