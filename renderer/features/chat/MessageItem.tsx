import { memo, useState } from 'react';
import type { Message } from '../../../shared/types';
import { AnswerSources } from '../collections/citations/AnswerSources';
import { RouteBadge } from '../router/RouteBadge';
import { CitationsProvider } from '../collections/citations/CitationsProvider';
import { liveFailures } from './liveFailures';
import { MessageActions, MessageEditor } from './MessageActions';
import { MessageMarkdown } from './markdown/MessageMarkdown';
import { MessageStats } from './MessageStats';
import { useQueuePlace } from './queueStore';
import { useStreamText } from './streamStore';
import { ThinkingBlock } from './ThinkingBlock';

/**
 * One message. The user's text shows as typed; the model's is Markdown, rendered block by block and never as
 * HTML (see markdown/MarkdownBlock.tsx for what untrusted output may and may not do), with its sources when it
 * drew on the conversation's collections: [n] markers and the list under it open the cited passage. An answer
 * says where it ran and why (its route), and its actions can run it elsewhere or compare it with another model.
 */
export const MessageItem = memo(function MessageItem({ message }: { message: Message }) {
  const streamed = useStreamText(message.id);
  const ahead = useQueuePlace(message.id);
  const streaming = message.status === 'streaming';
  const [editing, setEditing] = useState(false);
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
      {message.role === 'assistant' && <ThinkingBlock message={message} />}
      {editing ? (
        <MessageEditor message={message} onDone={() => setEditing(false)} />
      ) : message.role === 'user' ? (
        <div className="message-body" data-testid="message-body">
          {message.content}
        </div>
      ) : (
        <CitationsProvider citations={message.citations}>
          <div className="message-body markdown" data-testid="message-body">
            <MessageMarkdown text={streamed ?? message.content} cursor={streaming} />
          </div>
          <AnswerSources message={message} />
        </CitationsProvider>
      )}
      {message.error && message.status === 'stopped' && <div className="message-note">{message.error}</div>}
      {message.error && message.status !== 'stopped' && (
        <div className="message-error" role={liveFailures.has(message.id) ? 'alert' : undefined}>
          {message.error}
        </div>
      )}
      {message.role === 'assistant' && <RouteBadge route={message.route} />}
      <MessageStats message={message} />
      {!editing && <MessageActions message={message} onEdit={() => setEditing(true)} />}
    </article>
  );
});
