import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Download } from '../../shared/models';
import type { Collection } from '../../shared/rag';
import { liveFailures } from '../features/chat/liveFailures';
import { queueStore } from '../features/chat/queueStore';
import { streamStore } from '../features/chat/streamStore';
import { documentsMoved, mergeIngest } from '../features/collections/ingestCache';
import { mergeDownload } from '../features/models/downloads/downloadsCache';
import { call, onConnection, onEvent } from './client';
import { queryKeys } from './queryKeys';
import { createStreamSync } from './streamSync';

/** Main's events keep the caches true: they invalidate or replace cached data and feed the stream store. */
export function useMainEvents(): void {
  const qc = useQueryClient();
  useEffect(() => {
    const sync = createStreamSync({
      store: streamStore,
      fetchActive: async () => {
        const active = await call('chat:active');
        for (const a of active) queueStore.set(a.messageId, a.ahead);
        return active;
      },
      onEnded: (ids) => {
        // Their chat:end was missed: refetch every open conversation, then show what main saved.
        void qc.invalidateQueries({ queryKey: queryKeys.anyConversation }).then(() => {
          for (const id of ids) streamStore.forget(id);
        });
        void qc.invalidateQueries({ queryKey: queryKeys.conversations });
      },
    });
    let down = false;
    const libraryChanged = (): void => {
      void qc.invalidateQueries({ queryKey: queryKeys.models });
      // A downloaded or deleted file changes the "in the library" marks, and a model's settings its fit.
      void qc.invalidateQueries({ queryKey: queryKeys.anyHubFiles });
      void qc.invalidateQueries({ queryKey: queryKeys.anyFit });
    };
    const offs = [
      onEvent('chat:delta', (d) => sync.delta(d)),
      onEvent('chat:queue', (q) => queueStore.set(q.messageId, q.ahead)),
      onEvent('chat:end', (e) => {
        if (e.status === 'failed') liveFailures.add(e.messageId);
        sync.end(e.messageId);
        queueStore.set(e.messageId, 0);
        streamStore.end(e.messageId, e.content, { thoughts: e.thoughts, thoughtMs: e.thoughtMs });
        void qc.invalidateQueries({ queryKey: queryKeys.conversation(e.conversationId) }).then(() => streamStore.forget(e.messageId));
        void qc.invalidateQueries({ queryKey: queryKeys.conversations });
      }),
      onEvent('engine:state', (s) => qc.setQueryData(queryKeys.engine, s)),
      onEvent('settings:changed', (s) => qc.setQueryData(queryKeys.settings, s)),
      onEvent('conversations:changed', (c) => {
        void qc.invalidateQueries({ queryKey: queryKeys.conversations });
        if (c.conversationId) void qc.invalidateQueries({ queryKey: queryKeys.conversation(c.conversationId) });
      }),
      onEvent('downloads:progress', (d) => {
        // Before the list was ever fetched there is nothing to merge into: the first fetch brings it whole.
        if (qc.getQueryData(queryKeys.downloads) === undefined) void qc.invalidateQueries({ queryKey: queryKeys.downloads });
        else qc.setQueryData<Download[]>(queryKeys.downloads, (old) => mergeDownload(old ?? [], d));
        if (d.status === 'done') libraryChanged();
      }),
      onEvent('models:changed', libraryChanged),
      onEvent('collections:progress', (p) => {
        const list = qc.getQueryData<Collection[]>(queryKeys.collections);
        const before = list?.find((c) => c.id === p.collectionId)?.ingest;
        if (list) qc.setQueryData<Collection[]>(queryKeys.collections, mergeIngest(list, p));
        // Rate and ETA ticks only move the bar; a file done or a run that began or ended changes counts and statuses.
        if (documentsMoved(before, p)) {
          void qc.invalidateQueries({ queryKey: queryKeys.collections, exact: true });
          void qc.invalidateQueries({ queryKey: queryKeys.collectionDocuments(p.collectionId) });
        }
      }),
      onEvent('collections:changed', (c) => {
        void qc.invalidateQueries({ queryKey: queryKeys.collections, exact: true });
        void qc.invalidateQueries({
          queryKey: c.collectionId ? queryKeys.collectionDocuments(c.collectionId) : queryKeys.anyCollectionDocuments,
        });
        // A deleted collection leaves the conversations it was attached to.
        void qc.invalidateQueries({ queryKey: queryKeys.anyConversationCollections });
      }),
      onEvent('api:changed', (s) => qc.setQueryData(queryKeys.apiStatus, s)),
      onEvent('api:request', () => void qc.invalidateQueries({ queryKey: queryKeys.apiLog })),
      onEvent('providers:changed', () => void qc.invalidateQueries({ queryKey: queryKeys.providers })),
      onEvent('router:changed', (r) => {
        void qc.invalidateQueries({ queryKey: queryKeys.routeLog });
        void qc.invalidateQueries({ queryKey: r.conversationId ? queryKeys.routing(r.conversationId) : queryKeys.anyRouting });
      }),
      // Events sent while the socket was down are lost: after a reconnect every cache may be stale.
      onConnection((connected) => {
        if (!connected) down = true;
        else if (down) {
          down = false;
          void qc.invalidateQueries();
          void sync.resync();
        }
      }),
    ];
    // A page opened while answers wait or stream shows their place and their text so far.
    void sync.resync();
    return () => {
      for (const off of offs) off();
    };
  }, [qc]);
}
