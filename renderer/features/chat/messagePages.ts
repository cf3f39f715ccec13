import type { QueryClient } from '@tanstack/react-query';
import type { CallOutput } from '../../../shared/contract';
import { ApiError, call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';

/** How many messages a chat opens with, and how many more each scroll to the top loads. */
export const PAGE = 100;

export type LoadedConversation = CallOutput<'conversations:get'>;

/**
 * The conversation's messages as far back as the reader has loaded them: the newest page when it opens, then
 * (on a refetch) everything from the oldest loaded message on, so a refetch never drops what the reader scrolled to.
 */
export async function fetchLoaded(qc: QueryClient, id: string): Promise<LoadedConversation> {
  const oldest = qc.getQueryData<LoadedConversation>(queryKeys.conversation(id))?.messages[0]?.id;
  if (oldest) {
    try {
      return await call('conversations:get', { id, since: oldest });
    } catch (e) {
      // That message is gone (deleted, or another branch is current): start again from the newest page.
      if (!(e instanceof ApiError && e.code === 'NOT_FOUND')) throw e;
    }
  }
  return call('conversations:get', { id, limit: PAGE });
}

/**
 * Loads messages older than the oldest loaded one into the cache: a page of them, or all of them back to
 * `since` (a search result's message). Resolves with how many came.
 */
export async function loadOlder(qc: QueryClient, id: string, since?: string): Promise<number> {
  const key = queryKeys.conversation(id);
  const before = qc.getQueryData<LoadedConversation>(key)?.messages[0]?.id;
  if (!before) return 0;
  const page = await call('conversations:get', since ? { id, before, since } : { id, before, limit: PAGE });
  let added = 0;
  qc.setQueryData<LoadedConversation>(key, (old) => {
    // Only onto the same oldest message: a refetch in between already replaced the list.
    if (!old || old.messages[0]?.id !== before) return old;
    added = page.messages.length;
    return { ...old, messages: [...page.messages, ...old.messages], hasMore: page.hasMore };
  });
  return added;
}
