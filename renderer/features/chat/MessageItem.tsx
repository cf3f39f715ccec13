import { memo } from 'react';
import type { Message } from '../../../shared/types';
import { useQueuePlace } from './queueStore';
import { useStreamPieces } from './streamStore';

function statsLine(m: Message): string | null {
  const { completionTokens, durationMs, timeToFirstTokenMs } = m.stats;
  if (completionTokens === null || durationMs === null) return null;
  const genMs = Math.max(1, durationMs - (timeToFirstTokenMs ?? 0));
  return `${completionTokens} tokens · ${((completionTokens / genMs) * 1000).toFixed(1)} tok/s · first token ${timeToFirstTokenMs ?? '?'} ms`;
}

/** One message. Model text is always rendered as text, never as HTML. */
export const MessageItem = memo(function MessageItem({ message }: { message: Message }) {
  const pieces = useStreamPieces(message.id);
  const ahead = useQueuePlace(message.id);
  const streaming = message.status === 'streaming' && pieces !== undefined;
  const stats = message.role === 'assistant' && message.status !== 'streaming' ? statsLine(message) : null;
  return (
    <article className={`message message-${message.role}`} data-testid="message" data-role={message.role} data-status={message.status}>
      <div className="message-meta">
        <span className="message-author">{message.role === 'user' ? 'You' : (message.model ?? 'Model')}</span>
        {message.status === 'stopped' && <span className="badge badge-muted">stopped</span>}
        {message.status === 'failed' && <span className="badge badge-error">failed</span>}
      </div>
      {message.status === 'streaming' && ahead !== undefined && (
        <output className="message-queue" data-testid="queue-place">
          Waiting: {ahead === 1 ? '1 answer' : `${ahead} answers`} ahead
        </output>
      )}
      <div className="message-body" data-testid="message-body">
        {pieces ? pieces.map((piece, i) => <span key={i}>{piece}</span>) : message.content}
        {(streaming || (message.status === 'streaming' && !message.content)) && <span className="cursor" aria-hidden="true" />}
      </div>
      {message.error && message.status === 'stopped' && <div className="message-note">{message.error}</div>}
      {message.error && message.status !== 'stopped' && (
        <div className="message-error" role="alert">
          {message.error}
        </div>
      )}
      {stats && <div className="message-stats">{stats}</div>}
    </article>
  );
});
