import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { firstInView } from '../../../shared/context';
import type { EngineState, Settings } from '../../../shared/types';
import { ApiError, call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { useJumpTarget, useJumpToMessage } from '../conversations/jumpToMessage';
import { useEscapeToStop } from '../conversations/shortcuts';
import { useDownloads } from '../models/downloads/useDownloads';
import { FirstRun } from '../models/firstRun/FirstRun';
import { showFirstRun } from '../models/firstRun/recommend';
import { MODEL_PICKER_ID } from '../models/ModelPicker';
import { AttachCollections } from './AttachCollections';
import { Composer, type ComposerError } from './Composer';
import { ContextMeter } from './ContextMeter';
import { fetchLoaded, loadOlder } from './messagePages';
import { streamStore } from './streamStore';
import { useFollowBottom } from './useFollowBottom';
import { VirtualMessages } from './VirtualMessages';

/** How close to the top (px) the reader scrolls before older messages load. */
const LOAD_AT_PX = 600;

interface Props {
  /** Hidden while the model manager is open: kept, so the draft and the scroll position stay. */
  hidden?: boolean;
  conversationId: string | null;
  onConversation: (id: string) => void;
  engine: EngineState | undefined;
  settings: Settings | undefined;
}

export function ChatView({ hidden = false, conversationId, onConversation, engine, settings }: Props) {
  const qc = useQueryClient();
  const [error, setError] = useState<ComposerError | null>(null);
  const conversation = useQuery({
    queryKey: queryKeys.conversation(conversationId ?? ''),
    // The newest page first; older ones as the reader scrolls up (messagePages.ts).
    queryFn: () => fetchLoaded(qc, conversationId!),
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
  const { onScroll: followScroll, release } = useFollowBottom(scroller, subscribe, `${conversationId}:${messages.at(-1)?.id}`);
  const hasMore = conversationId ? !!conversation.data?.hasMore : false;
  const loading = useRef(false);
  const loadMore = useCallback(
    (since?: string) => {
      if (!conversationId || loading.current) return;
      loading.current = true;
      void loadOlder(qc, conversationId, since)
        .catch(() => undefined)
        .finally(() => {
          loading.current = false;
        });
    },
    [qc, conversationId],
  );
  const onScroll = (): void => {
    followScroll();
    const el = scroller.current;
    if (el && hasMore && el.scrollTop < LOAD_AT_PX) loadMore();
  };
  // A search result opened here scrolls to its message (after the scroll to the end above). A message older
  // than the loaded ones is loaded first, with everything after it, so the list stays one piece.
  const jumpTarget = useJumpTarget();
  const targetLoaded = jumpTarget !== null && messages.some((m) => m.id === jumpTarget);
  const tried = useRef('');
  useEffect(() => {
    if (!jumpTarget || !conversationId || !hasMore || targetLoaded || tried.current === `${conversationId}:${jumpTarget}`) return;
    tried.current = `${conversationId}:${jumpTarget}`;
    loadMore(jumpTarget);
  }, [jumpTarget, conversationId, hasMore, targetLoaded, loadMore]);
  useEffect(() => {
    if (targetLoaded) release();
  }, [targetLoaded, release]);
  useJumpToMessage(
    scroller,
    messages.map((m) => m.id),
  );

  const models = useQuery({ queryKey: queryKeys.models, queryFn: () => call('models:list') });
  const downloads = useDownloads();
  const firstRun = showFirstRun({
    models: models.data,
    downloads: downloads.data,
    engine,
    settings,
    hasMessages: messages.length > 0 || (!!conversationId && !conversation.data),
  });

  const hasModel = engine?.status === 'ready' || !!settings?.selectedModelPath;
  // A send without a model still goes to main, which may pick the only model there is, or says why not.
  const hint = hasModel ? null : firstRun ? 'Download a model above to start chatting' : 'Pick a model above to start chatting';
  const fail = (e: unknown): void =>
    setError({ message: e instanceof Error ? e.message : String(e), pickModel: e instanceof ApiError && e.code === 'NO_MODEL' });

  // Collections being attached (AttachCollections) go with the next message: it waits for them, and for the
  // conversation attaching made in a new chat.
  const attaching = useRef<Promise<string | null> | null>(null);
  const onAttaching = useCallback((p: Promise<string | null>) => {
    attaching.current = p;
    void p.finally(() => {
      if (attaching.current === p) attaching.current = null;
    });
  }, []);

  const send = async (text: string): Promise<boolean> => {
    setError(null);
    try {
      const made = attaching.current ? await attaching.current : null;
      const r = await call('chat:send', { conversationId: conversationId ?? made, text });
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
  // Not while the chat is hidden behind the model manager: Escape there must not stop an answer out of sight.
  useEscapeToStop(streamingMessage && !hidden ? stop : null);

  return (
    <section className="chat" hidden={hidden}>
      {/* Before there is a model: what this machine has and models that fit it, outside the log so its download
          progress is not read out as chat. */}
      {firstRun && (
        <div className="messages first-run-area">
          <FirstRun engine={engine} downloads={downloads.data} />
        </div>
      )}
      <div
        hidden={firstRun}
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
        {messages.length === 0 ? (
          <div className="empty">
            <h2>{conversationId ? 'No messages yet' : 'Start a new chat'}</h2>
            <p>Everything stays on this machine: the model runs here and chats are saved here.</p>
          </div>
        ) : (
          <VirtualMessages scroller={scroller} messages={messages} viewStart={viewStart} keep={targetLoaded ? jumpTarget : null} />
        )}
      </div>
      <AttachCollections conversationId={conversationId} onConversation={onConversation} onSaving={onAttaching} />
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
