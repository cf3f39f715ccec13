import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { attachedChips, toggleId } from '../collections/attached';
import { openCollections } from '../collections/collectionsNav';
import { statsText } from '../collections/ingestText';
import { useCollections } from '../collections/useCollections';
import { useDismiss } from '../collections/useDismiss';

interface Props {
  conversationId: string | null;
  /** A new chat has no conversation yet: attaching makes one, and the chat opens on it. */
  onConversation: (id: string) => void;
  /**
   * Each change being saved, resolving to its conversation (null if none could be made): a message sent meanwhile
   * waits for it, so it goes to that conversation and is answered from its collections.
   */
  onSaving?: (saving: Promise<string | null>) => void;
}

/**
 * The collections this chat answers from, as chips above the composer, and a popover to attach or detach them.
 * Each change is saved at once (conversations:setCollections); the next answer searches them.
 */
export function AttachCollections({ conversationId, onConversation, onSaving }: Props) {
  const qc = useQueryClient();
  const collections = useCollections();
  const attached = useQuery({
    queryKey: queryKeys.conversationCollections(conversationId ?? ''),
    queryFn: () => call('conversations:collections', { id: conversationId! }),
    enabled: !!conversationId,
  });
  const [open, setOpen] = useState(false);
  // A new chat's choice while its conversation is being made, so the box shows checked at once.
  const [draft, setDraft] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const popoverId = useId();
  const ids = conversationId ? (attached.data?.collectionIds ?? []) : (draft ?? []);
  const chips = attachedChips(ids, collections.data);

  useDismiss(open, wrap, button, () => setOpen(false));

  // A new chat's conversation once attaching made it, until the chat moves on: a second change goes to it too.
  const made = useRef<string | null>(null);
  useEffect(() => {
    if (conversationId === null) made.current = null;
  }, [conversationId]);
  // Changes are saved one after another, so two quick ticks on a new chat make one conversation, not two.
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const save = async (next: string[]): Promise<string | null> => {
    setError(null);
    let id = conversationId ?? made.current;
    try {
      if (!id) {
        setDraft(next);
        id = (await call('conversations:create')).id;
        made.current = id;
        void qc.invalidateQueries({ queryKey: queryKeys.conversations });
      }
      // Shown at once; a refusal puts back what main has.
      qc.setQueryData(queryKeys.conversationCollections(id), { collectionIds: next });
      const r = await call('conversations:setCollections', { id, collectionIds: next });
      qc.setQueryData(queryKeys.conversationCollections(id), r);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      if (id) void qc.invalidateQueries({ queryKey: queryKeys.conversationCollections(id) });
    } finally {
      setDraft(null);
      // A conversation made here is the chat now, even if its collections were refused.
      if (id && id !== conversationId) onConversation(id);
    }
    return id;
  };
  const change = (next: string[]): void => {
    const run = queue.current.then(() => save(next));
    queue.current = run;
    onSaving?.(run);
  };
  const list = collections.data ?? [];

  return (
    <div className="attach" ref={wrap} data-testid="attach">
      <button
        type="button"
        ref={button}
        className="button button-ghost button-small attach-button"
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        data-testid="attach-open"
        onClick={() => setOpen((o) => !o)}
      >
        {ids.length > 0 ? `Collections (${ids.length})` : 'Answer from collections'}
      </button>
      {chips.length > 0 && (
        <ul className="chips" aria-label="Collections this chat answers from" data-testid="attached-chips">
          {chips.map((c) => (
            <li key={c.id} className="chip" data-testid="attached-chip" data-id={c.id}>
              <span className="chip-name">{c.name}</span>
              {c.note && <span className="chip-note">{c.note}</span>}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Stop answering from ${c.name}`}
                title="Detach"
                data-testid="chip-remove"
                onClick={() => change(toggleId(ids, c.id, false))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {open && (
        <div className="attach-popover" id={popoverId} data-testid="attach-popover">
          {list.length === 0 ? (
            <p className="muted small-text">No collections yet. A collection is a set of folders and files the chat can answer from.</p>
          ) : (
            <fieldset className="attach-list">
              <legend>Answer from</legend>
              {list.map((c) => (
                <label key={c.id} className="attach-option">
                  <input
                    type="checkbox"
                    checked={ids.includes(c.id)}
                    data-testid="attach-option"
                    data-id={c.id}
                    onChange={(e) => change(toggleId(ids, c.id, e.target.checked))}
                  />
                  <span className="attach-option-name">{c.name}</span>
                  <span className="attach-option-stats">{statsText(c.stats)}</span>
                </label>
              ))}
            </fieldset>
          )}
          <button type="button" className="button button-small" onClick={() => openCollections()} data-testid="attach-manage">
            {list.length === 0 ? 'Create a collection…' : 'Manage collections…'}
          </button>
        </div>
      )}
      {error && (
        <p className="picker-error" role="alert" data-testid="attach-error">
          {error}
        </p>
      )}
    </div>
  );
}
