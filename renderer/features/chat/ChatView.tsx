import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import type { EngineState, Settings } from '../../../shared/types';
import { ApiError, call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { MODEL_PICKER_ID } from '../models/ModelPicker';
import { Composer, type ComposerError } from './Composer';
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
  const scroller = useRef<HTMLDivElement>(null);
  const streamingId = streamingMessage?.id;
  const subscribe = useCallback(
    (onChange: () => void) => (streamingId ? streamStore.subscribe(streamingId, onChange) : () => undefined),
    [streamingId],
  );
  const { onScroll } = useFollowBottom(scroller, subscribe, messages.length);

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

  return (
    <section className="chat">
      <div className="messages" ref={scroller} data-testid="messages" onScroll={onScroll}>
        {messages.length === 0 && (
          <div className="empty">
            <h2>{conversationId ? 'No messages yet' : 'Start a new chat'}</h2>
            <p>Everything stays on this machine: the model runs here and chats are saved here.</p>
          </div>
        )}
        {messages.map((m) => (
          <MessageItem key={m.id} message={m} />
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
      />
    </section>
  );
}
