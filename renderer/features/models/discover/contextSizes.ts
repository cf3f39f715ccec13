import type { Settings } from '../../../../shared/types';

/** The context sizes fit can be judged at. */
export const CONTEXT_SIZES = [2048, 4096, 8192, 16384, 32768, 65536, 131072] as const;

/** The context size fit is judged at: the user's setting when it is one of the choices, else 4,096 tokens. */
export function defaultContextSize(settings: Settings | undefined): number {
  const set = settings?.contextSize ?? 0;
  return (CONTEXT_SIZES as readonly number[]).includes(set) ? set : 4096;
}
