import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { streamStore } from '../features/chat/streamStore';
import { onEvent } from './client';
import { queryKeys } from './queryKeys';

/** Main's events keep the caches true: they invalidate or replace cached data and feed the stream store. */
export function useMainEvents(): void {
  const qc = useQueryClient();
  useEffect(() => {
    const offs = [
      onEvent('chat:delta', (d) => streamStore.append(d.messageId, d.text, d.seq)),
      onEvent('chat:end', (e) => {
        streamStore.end(e.messageId, e.content);
        void qc.invalidateQueries({ queryKey: queryKeys.conversation(e.conversationId) })
          .then(() => streamStore.forget(e.messageId));
        void qc.invalidateQueries({ queryKey: queryKeys.conversations });
      }),
      onEvent('engine:state', (s) => qc.setQueryData(queryKeys.engine, s)),
      onEvent('conversations:changed', (c) => {
        void qc.invalidateQueries({ queryKey: queryKeys.conversations });
        if (c.conversationId) void qc.invalidateQueries({ queryKey: queryKeys.conversation(c.conversationId) });
      }),
    ];
    return () => { for (const off of offs) off(); };
  }, [qc]);
}
