import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useCallback, useRef, useState } from 'react';
import { firstInView } from '../../../shared/context';
import type { EngineState, Settings } from '../../../shared/types';
import { ApiError, call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { useJumpToMessage } from '../conversations/jumpToMessage';
import { useEscapeToStop } from '../conversations/shortcuts';
import { MODEL_PICKER_ID } from '../models/ModelPicker';
import { Composer, type ComposerError } from './Composer';
import { ContextMeter } from './ContextMeter';
import { MessageItem } from './MessageItem';
import { streamStore } from './streamStore';
import { useFollowBottom } from './useFollowBottom';

interface Props {
  conversationId: string | null;
  onConversation: (id: string) => void;
  engine: EngineState | undefined;
  settings: Settings | undefined;
}

export function ChatView({ conversationId, onConversation, engine, settings }: Props) {
  const qc = useQueryClient();
  const [error, setError] = useState<ComposerError | null>(null);
  const conversation = useQuery({
    queryKey: queryKeys.conversation(conversationId ?? ''),
    queryFn: () => call('conversations:get', { id: conversationId! }),
    enabled: !!conversationId,
  });
  const messages = conversationId ? (conversation.data?.messages ?? []) : [];
  const streamingMessage = messages.find((m) => m.status === 'streaming');
  // Where the model's view began for the latest finished answer, if older messages had left it.
  const lastAnswer = messages.findLast((m) => m.role === 'assistant' && m.status !== 'streaming');
  const viewStart = lastAnswer ? firstInView(messages, lastAnswer) : null;
  const scroller = useRef<HTMLDivElement>(null);
  const streamingId = streamingMessage?.id;
  const subscribe = useCallback(
    (onChange: () => void) => (streamingId ? streamStore.subscribe(streamingId, onChange) : () => undefined),
    [streamingId],
  );
  const { onScroll } = useFollowBottom(scroller, subscribe, messages.length);
  // A search result opened here scrolls to its message (after the scroll to the end above).
  useJumpToMessage(
    scroller,
    messages.map((m) => m.id),
  );

  const hasModel = engine?.status === 'ready' || !!settings?.selectedModelPath;
  // A send without a model still goes to main, which may pick the only model there is, or says why not.
  const hint = hasModel ? null : 'Pick a model above to start chatting';
  const fail = (e: unknown): void =>
    setError({ message: e instanceof Error ? e.message : String(e), pickModel: e instanceof ApiError && e.code === 'NO_MODEL' });

  const send = async (text: string): Promise<boolean> => {
    setError(null);
    try {
      const r = await call('chat:send', { conversationId, text });
      qc.setQueryData(queryKeys.conversation(r.conversationId), (old: typeof conversation.data) =>
        old ? { ...old, messages: [...old.messages, r.userMessage, r.assistantMessage] } : old,
      );
      if (r.conversationId !== conversationId) onConversation(r.conversationId);
      return true;
    } catch (e) {
      fail(e);
      return false;
    }
  };

  const stop = (): void => {
    if (streamingMessage) void call('chat:stop', { streamId: streamingMessage.id }).catch(fail);
  };
  useEscapeToStop(streamingMessage ? stop : null);

  return (
    <section className="chat">
      <div
        className="messages"
        ref={scroller}
        data-testid="messages"
        onScroll={onScroll}
        // A log: new messages are announced politely, once an answer is complete rather than word by word.
        role="log"
        aria-live="polite"
        aria-busy={!!streamingMessage}
        aria-label="Messages"
      >
        {messages.length === 0 && (
          <div className="empty">
            <h2>{conversationId ? 'No messages yet' : 'Start a new chat'}</h2>
            <p>Everything stays on this machine: the model runs here and chats are saved here.</p>
          </div>
        )}
        {messages.map((m) => (
          <Fragment key={m.id}>
            {m.id === viewStart && (
              <div className="context-marker" role="note" data-testid="context-marker">
                Messages above this line had left the model&apos;s view when it wrote its last answer
              </div>
            )}
            <div className="message-anchor" data-message-id={m.id}>
              <MessageItem message={m} />
            </div>
          </Fragment>
        ))}
      </div>
      <Composer
        hint={hint}
        streaming={!!streamingMessage}
        error={error?.pickModel && hasModel ? null : error}
        onSend={send}
        onStop={stop}
        onEdit={() => setError(null)}
        onPickModel={() => document.getElementById(MODEL_PICKER_ID)?.focus()}
        meter={(draft) => (
          <ContextMeter
            conversationId={conversationId}
            draft={draft}
            version={`${messages.length}:${messages.at(-1)?.status ?? ''}`}
            model={engine?.status === 'ready' ? `${engine.model.path}:${engine.model.contextSize}` : null}
            overflow={settings?.contextOverflow}
          />
        )}
      />
    </section>
  );
}
