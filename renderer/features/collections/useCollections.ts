import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';

/** The collections; main's `collections:progress` and `collections:changed` keep them current (useMainEvents). */
export function useCollections() {
  return useQuery({ queryKey: queryKeys.collections, queryFn: () => call('collections:list') });
}

/** One collection's documents with their statuses; refetched as its ingestion moves on. */
export function useCollectionDocuments(id: string) {
  return useQuery({ queryKey: queryKeys.collectionDocuments(id), queryFn: () => call('collections:documents', { id }) });
}

/** The message of whatever a call threw, for a line a person reads. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
