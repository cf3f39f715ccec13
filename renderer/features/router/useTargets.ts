import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { chatModels } from '../models/common/library';
import { type TargetOption, targetOptions } from './targets';

/** The places an answer can be written now (local chat models, enabled providers' models), and whether they are known yet. */
export function useTargets(): { options: TargetOption[]; ready: boolean } {
  const models = useQuery({ queryKey: queryKeys.models, queryFn: () => call('models:list') });
  const providers = useQuery({ queryKey: queryKeys.providers, queryFn: () => call('providers:list') });
  const options = useMemo(() => targetOptions(chatModels(models.data), providers.data ?? []), [models.data, providers.data]);
  return { options, ready: models.isSuccess && providers.isSuccess };
}
