import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Message } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { compareStore } from '../router/compareStore';
import { RunElsewhere } from '../router/RunElsewhere';
import type { LoadedConversation } from './messagePages';

/**
 * The actions under one message: copy, edit (the user's), regenerate, continue and run elsewhere (answers),
 * compare (answered in two places side by side), delete, and the `< 2/3 >` switch between its branches. Each calls main itself; main's events (`conversations:changed`,
 * `chat:delta`, `chat:end`) refresh the chat, so nothing here touches the chat's cache.
 */
export function MessageActions({ message, onEdit }: { message: Message; onEdit: () => void }) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const act = (fn: () => Promise<unknown>) => (): void => {
    setError(null);
    fn().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  if (message.status === 'streaming') return null;
  const copy = async (): Promise<void> => {
    await copyText(message.content);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  const answer = message.role === 'assistant';
  // Compare answers the user message: this one, or the one this answer replies to (its text from the loaded chat).
  const compareOf = message.role === 'user' ? message.id : answer ? (message.parentId ?? null) : null;
  const openCompare = (): void => {
    if (!compareOf) return;
    const loaded = qc.getQueryData<LoadedConversation>(queryKeys.conversation(message.conversationId));
    const prompt = message.role === 'user' ? message.content : (loaded?.messages.find((m) => m.id === compareOf)?.content ?? '');
    compareStore.open({
      conversationId: message.conversationId,
      messageId: compareOf,
      prompt,
      from: answer ? { route: message.route, model: message.model } : null,
    });
  };
  const canContinue = answer && (message.status === 'stopped' || message.status === 'failed') && message.content !== '';
  return (
    <div className="message-actions" data-testid="message-actions">
      <BranchSwitch message={message} onError={setError} />
      <button type="button" className="message-action" aria-label="Copy message" onClick={act(copy)}>
        Copy
      </button>
      {message.role === 'user' && (
        <button type="button" className="message-action" aria-label="Edit message" onClick={onEdit}>
          Edit
        </button>
      )}
      {answer && (
        <button
          type="button"
          className="message-action"
          aria-label="Regenerate answer"
          onClick={act(() => call('chat:regenerate', { messageId: message.id }))}
        >
          Regenerate
        </button>
      )}
      {answer && <RunElsewhere message={message} onError={setError} />}
      {compareOf && (
        <button
          type="button"
          className="message-action"
          data-testid="compare-open"
          aria-label={answer ? 'Compare this answer with another model' : 'Compare two answers to this message'}
          onClick={openCompare}
        >
          Compare
        </button>
      )}
      {canContinue && (
        <button
          type="button"
          className="message-action"
          aria-label="Continue answer"
          onClick={act(() => call('chat:continue', { messageId: message.id }))}
        >
          Continue
        </button>
      )}
      {confirming ? (
        <DeleteConfirm
          onCancel={() => setConfirming(false)}
          onDelete={act(async () => {
            await call('messages:delete', { messageId: message.id });
            setConfirming(false);
          })}
        />
      ) : (
        <button type="button" className="message-action" aria-label="Delete message" onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      {copied && <output className="message-action-note">Copied</output>}
      {error && (
        <span className="message-action-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** `< 2/3 >`: shown when a message has siblings (edits or regenerations under the same parent). */
function BranchSwitch({ message, onError }: { message: Message; onError: (e: string | null) => void }) {
  const branch = message.branch;
  if (!branch || branch.count < 2) return null;
  const go = (direction: 'previous' | 'next') => (): void => {
    onError(null);
    call('messages:switchBranch', { messageId: message.id, direction }).catch((e: unknown) =>
      onError(e instanceof Error ? e.message : String(e)),
    );
  };
  return (
    <fieldset className="branch-switch" aria-label="Versions">
      <button type="button" className="message-action" aria-label="Previous version" disabled={branch.index === 0} onClick={go('previous')}>
        &lt;
      </button>
      <span className="branch-count" data-testid="branch-count" aria-label={`Version ${branch.index + 1} of ${branch.count}`}>
        {branch.index + 1}/{branch.count}
      </span>
      <button
        type="button"
        className="message-action"
        aria-label="Next version"
        disabled={branch.index === branch.count - 1}
        onClick={go('next')}
      >
        &gt;
      </button>
    </fieldset>
  );
}

function DeleteConfirm({ onDelete, onCancel }: { onDelete: () => void; onCancel: () => void }) {
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <fieldset className="message-delete-confirm" aria-label="Delete this message and everything after it?">
      <span>Delete this and what follows?</span>
      <button
        ref={confirm}
        type="button"
        className="message-action message-action-danger"
        onClick={onDelete}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        Delete
      </button>
      <button type="button" className="message-action" onClick={onCancel} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
        Cancel
      </button>
    </fieldset>
  );
}

/** Edits a user message in place: Enter sends it as a new branch, Shift+Enter is a new line, Escape cancels. */
export function MessageEditor({ message, onDone }: { message: Message; onDone: () => void }) {
  const [text, setText] = useState(message.content);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  // The user asked to edit this message: the caret goes to its end.
  useEffect(() => {
    const el = input.current;
    el?.focus();
    el?.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const send = async (): Promise<void> => {
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      await call('chat:edit', { messageId: message.id, text });
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onDone();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };
  return (
    <div className="message-editor">
      <textarea
        className="message-editor-input"
        aria-label="Edit message"
        value={text}
        ref={input}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
      />
      <div className="message-editor-buttons">
        <button type="button" className="button button-primary button-small" disabled={busy || !text.trim()} onClick={() => void send()}>
          Send
        </button>
        <button type="button" className="button button-ghost button-small" onClick={onDone}>
          Cancel
        </button>
      </div>
      {error && (
        <div className="message-action-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** The clipboard API needs a secure context (http://127.0.0.1 is one) and focus; the old way covers the rest. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}
