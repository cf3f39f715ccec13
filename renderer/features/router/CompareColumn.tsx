import { useEffect, useRef } from 'react';
import type { RouteLogEntry } from '../../../shared/api';
import type { ChatEnd } from '../../../shared/contract';
import { MessageMarkdown } from '../chat/markdown/MessageMarkdown';
import { useQueuePlace } from '../chat/queueStore';
import { useStreamText } from '../chat/streamStore';
import { compareFigures } from './compareFigures';

interface Props {
  side: 'A' | 'B';
  label: string;
  remote: boolean;
  messageId: string;
  /** Its chat:end, once it ended. */
  end: ChatEnd | undefined;
  /** Its routing log entry, once logged (the cost). */
  logged: RouteLogEntry | undefined;
  /** Keep is offered once both answers have ended. */
  canKeep: boolean;
  busy: boolean;
  onKeep: () => void;
  onStop: () => void;
}

/**
 * One side of a comparison: the answer as it streams (the chat's own stream store and Markdown), then its speed,
 * tokens and cost, and "Keep this one".
 */
export function CompareColumn({ side, label, remote, messageId, end, logged, canKeep, busy, onKeep, onStop }: Props) {
  const streamed = useStreamText(messageId);
  const ahead = useQueuePlace(messageId);
  const text = streamed ?? end?.content ?? '';
  const figures = end ? compareFigures(end, remote, logged) : null;
  const keepable = !!end && end.status !== 'failed' && end.content !== '';
  // The answer follows its end as it streams, unless the reader scrolled up to read.
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  useEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <section
      className="compare-column"
      data-testid={`compare-side-${side}`}
      data-status={end?.status ?? 'streaming'}
      aria-label={`Answer ${side}: ${label}`}
      aria-busy={!end}
    >
      <header className="compare-column-head">
        <span className="compare-side" aria-hidden="true">
          {side}
        </span>
        <span className="compare-label">{label}</span>
      </header>
      {!end && ahead !== undefined && (
        <output className="message-queue">
          Waiting: {ahead === 1 ? '1 answer' : `${ahead} answers`} ahead{remote ? '' : ' (a local model at a time)'}
        </output>
      )}
      <div
        ref={scroller}
        className="compare-body markdown"
        data-testid="compare-body"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        <MessageMarkdown text={text} cursor={!end} />
      </div>
      {end?.error && <div className={end.status === 'stopped' ? 'message-note' : 'message-error'}>{end.error}</div>}
      {figures && (
        <dl className="compare-figures" data-testid="compare-figures">
          {figures.map((f) => (
            <div key={f.key} className="compare-figure" data-figure={f.key}>
              <dt>{f.label}</dt>
              <dd title={f.title}>{f.text}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="compare-actions">
        {end ? (
          <button
            type="button"
            className="button button-primary button-small"
            data-testid={`compare-keep-${side}`}
            disabled={!canKeep || !keepable || busy}
            title={keepable ? (canKeep ? undefined : 'Wait for the other answer to end (or stop it)') : 'This answer has no text to keep'}
            onClick={onKeep}
          >
            Keep this one
          </button>
        ) : (
          <button type="button" className="button button-small" data-testid={`compare-stop-${side}`} onClick={onStop}>
            Stop
          </button>
        )}
      </div>
    </section>
  );
}
