import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ApiServerStatus } from '../../../shared/api';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';

/** The server's state, kept true by `api:changed` (useMainEvents). */
export function useApiStatus() {
  return useQuery({ queryKey: queryKeys.apiStatus, queryFn: () => call('api:status') });
}

/**
 * One part of the panel changing the server (the switch, the port, the key, the origins): whether its call is in
 * flight and why the last one failed, in main's words. Each part has its own, so an error shows beside the
 * control that caused it. The answer is the server's new state, put in the cache at once.
 */
export function useApiChange() {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (change: () => Promise<ApiServerStatus>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      qc.setQueryData(queryKeys.apiStatus, await change());
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clearError: () => setError(null) };
}
