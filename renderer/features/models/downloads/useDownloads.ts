import { useQuery } from '@tanstack/react-query';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';

/** The download queue; main's `downloads:progress` events keep it current (useMainEvents). */
export function useDownloads() {
  return useQuery({ queryKey: queryKeys.downloads, queryFn: () => call('downloads:list') });
}
