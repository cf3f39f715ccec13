import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import type { EngineState, Settings } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { Composer } from './Composer';
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
  const [error, setError] = useState<string | null>(null);
  const conversation = useQuery({
    queryKey: queryKeys.conversation(conversationId ?? ''),
    queryFn: () => call('conversations:get', { id: conversationId! }),
    enabled: !!conversationId,
  });
  const messages = conversationId ? (conversation.data?.messages ?? []) : [];
  const streamingMessage = messages.find((m) => m.status === 'streaming');
  const scroller = useRef<HTMLDivElement>(null);
  const subscribe = useCallback(
    (onChange: () => void) => (streamingMessage ? streamStore.subscribe(streamingMessage.id, onChange) : () => undefined),
    [streamingMessage?.id],
  );
  const { onScroll } = useFollowBottom(scroller, subscribe, messages.length);

  const hasModel = engine?.status === 'ready' || !!settings?.selectedModelPath;
  const disabledReason = hasModel ? null : 'Pick a model above to start chatting';

  const send = async (text: string): Promise<boolean> => {
    setError(null);
    try {
      const r = await call('chat:send', { conversationId, text });
      qc.setQueryData(queryKeys.conversation(r.conversationId), (old: typeof conversation.data) =>
        old ? { ...old, messages: [...old.messages, r.userMessage, r.assistantMessage] } : old);
      if (r.conversationId !== conversationId) onConversation(r.conversationId);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  };

  const stop = (): void => {
    if (streamingMessage) void call('chat:stop', { streamId: streamingMessage.id }).catch((e: Error) => setError(e.message));
  };

  return (
    <section className="chat">
      <div
        className="messages"
        ref={scroller}
        data-testid="messages"
        onScroll={onScroll}
      >
        {messages.length === 0 && (
          <div className="empty">
            <h2>{conversationId ? 'No messages yet' : 'Start a new chat'}</h2>
            <p>Everything stays on this machine: the model runs here and chats are saved here.</p>
          </div>
        )}
        {messages.map((m) => <MessageItem key={m.id} message={m} />)}
      </div>
      {error && <div className="banner banner-error" role="alert">{error}</div>}
      <Composer disabled={!hasModel} disabledReason={disabledReason} streaming={!!streamingMessage} onSend={send} onStop={stop} />
    </section>
  );
}
