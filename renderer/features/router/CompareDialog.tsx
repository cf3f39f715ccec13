import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { ChatEnd } from '../../../shared/contract';
import type { Settings } from '../../../shared/types';
import { call, onEvent } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { CompareColumn } from './CompareColumn';
import { type CompareRequest, compareStore, useCompareRequest } from './compareStore';
import { ComparePicker } from './ComparePicker';
import type { TargetOption } from './targets';
import './router.css';

interface Running {
  sides: { option: TargetOption; messageId: string; streamId: string }[];
}

/** The comparison dialog, when one is open. Placed once in the app, so it outlives the message that opened it. */
export function CompareHost({ settings }: { settings: Settings | undefined }) {
  const request = useCompareRequest();
  if (!request) return null;
  return <CompareDialog key={request.messageId} request={request} settings={settings} onClose={() => compareStore.close()} />;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Compare: one user message answered in two places side by side. First the two places are picked; then both
 * answers stream in (two local models run one after the other), each with its speed, tokens and cost, and
 * "Keep this one" keeps it in the conversation (the other goes). A modal dialog: Escape closes it, the focus stays
 * inside and goes back where it came from. Closing leaves both answers as versions of the reply.
 */
function CompareDialog({ request, settings, onClose }: { request: CompareRequest; settings: Settings | undefined; onClose: () => void }) {
  const qc = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [running, setRunning] = useState<Running | null>(null);
  const [ends, setEnds] = useState<Record<string, ChatEnd>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const log = useQuery({ queryKey: queryKeys.routeLog, queryFn: () => call('router:log', {}), enabled: running !== null });

  useEffect(() => {
    const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    // showModal focuses the first button (Close); the first choice is where the user starts, when it is there yet.
    d?.querySelector<HTMLElement>('[data-first-field]')?.focus();
    return () => {
      if (d?.open) d.close();
      back?.focus();
    };
  }, []);
  // Subscribed before compare is called, so an answer that ends at once (a fast remote) is not missed.
  useEffect(() => onEvent('chat:end', (e) => setEnds((old) => ({ ...old, [e.messageId]: e }))), []);

  const start = async (pair: [TargetOption, TargetOption]): Promise<void> => {
    setError(null);
    setBusy(true);
    try {
      const r = await call('chat:compare', { messageId: request.messageId, targets: [pair[0].target, pair[1].target] });
      setRunning({
        sides: r.answers.map((a, i) => ({ option: pair[i]!, messageId: a.assistantMessage.id, streamId: a.streamId })),
      });
      void qc.invalidateQueries({ queryKey: queryKeys.conversation(request.conversationId) });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const keep = async (messageId: string): Promise<void> => {
    setError(null);
    setBusy(true);
    try {
      await call('chat:keep', { messageId });
      await qc.invalidateQueries({ queryKey: queryKeys.conversation(request.conversationId) });
      onClose();
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  const stop = (streamId: string): void => {
    call('chat:stop', { streamId }).catch((e: unknown) => setError(messageOf(e)));
  };

  const allEnded = running?.sides.every((s) => ends[s.messageId]) ?? false;
  return (
    <dialog
      ref={dialog}
      className="compare-dialog"
      aria-labelledby={titleId}
      data-testid="compare-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="viewer-head">
        <div className="viewer-title">
          <h2 id={titleId} className="viewer-name">
            Compare two answers
          </h2>
          <p className="compare-prompt muted small-text" title={request.prompt}>
            {request.prompt}
          </p>
        </div>
        <button type="button" className="button button-small" data-testid="compare-close" onClick={onClose}>
          Close
        </button>
      </div>
      {running ? (
        <div className="compare-columns">
          {running.sides.map((s, i) => (
            <CompareColumn
              key={s.messageId}
              side={i === 0 ? 'A' : 'B'}
              label={s.option.label}
              remote={s.option.target.kind === 'remote'}
              messageId={s.messageId}
              end={ends[s.messageId]}
              logged={log.data?.entries.find((e) => e.messageId === s.messageId)}
              canKeep={allEnded}
              busy={busy}
              onKeep={() => void keep(s.messageId)}
              onStop={() => stop(s.streamId)}
            />
          ))}
        </div>
      ) : (
        <ComparePicker request={request} settings={settings} busy={busy} onStart={(pair) => void start(pair)} />
      )}
      {error && (
        <p className="picker-error compare-error" role="alert">
          {error}
        </p>
      )}
      {running && (
        <p className="compare-foot muted small-text">
          {allEnded
            ? 'Keep the better one: it stays in the conversation and the other goes. Close to keep every answer as a version of the reply.'
            : 'Keep waits until both answers have ended (or Stop one). Closing leaves them as versions of the reply.'}
        </p>
      )}
    </dialog>
  );
}
