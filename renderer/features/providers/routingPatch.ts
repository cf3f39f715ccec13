import type { RemoteModelRef } from '../../../shared/api';
import type { Settings } from '../../../shared/types';

/** The routing settings as typed: the default remote model as `providerId\nmodel` ('' for none), numbers as text. */
export interface RoutingEdits {
  defaultRemote?: string;
  newChatRoutePolicy?: string;
  monthlyCostCapUsd?: string;
  autoRemoteThreshold?: string;
}

type RoutingSettingsPatch = Partial<Pick<Settings, 'defaultRemote' | 'monthlyCostCapUsd' | 'autoRemoteThreshold' | 'newChatRoutePolicy'>>;

const isPolicy = (v: string): v is Settings['newChatRoutePolicy'] => v === 'local' || v === 'remote' || v === 'auto';

export const remoteValue = (m: RemoteModelRef | null): string => (m ? `${m.providerId}\n${m.model}` : '');

function remoteOf(value: string): RemoteModelRef | null {
  const at = value.indexOf('\n');
  return at > 0 ? { providerId: value.slice(0, at), model: value.slice(at + 1) } : null;
}

/**
 * Only what changed against the newest settings (another window may have changed the rest), or what is wrong in
 * words: the cap is dollars from 0, the threshold 0 to 1.
 */
export function routingPatch(
  current: Settings,
  edits: RoutingEdits,
): { ok: true; patch: RoutingSettingsPatch } | { ok: false; error: string } {
  const patch: RoutingSettingsPatch = {};
  if (edits.defaultRemote !== undefined && edits.defaultRemote !== remoteValue(current.defaultRemote)) {
    patch.defaultRemote = remoteOf(edits.defaultRemote);
  }
  if (edits.newChatRoutePolicy !== undefined && edits.newChatRoutePolicy !== current.newChatRoutePolicy) {
    if (!isPolicy(edits.newChatRoutePolicy)) return { ok: false, error: 'New chats run locally, remotely or on auto.' };
    patch.newChatRoutePolicy = edits.newChatRoutePolicy;
  }
  if (edits.monthlyCostCapUsd !== undefined) {
    const t = edits.monthlyCostCapUsd.trim().replace(/^\$/, '');
    const n = Number(t);
    if (t === '' || !Number.isFinite(n) || n < 0 || n > 100_000) {
      return { ok: false, error: 'The monthly cap is an amount in dollars, from 0 (nothing goes out on auto) to 100,000.' };
    }
    if (n !== current.monthlyCostCapUsd) patch.monthlyCostCapUsd = n;
  }
  if (edits.autoRemoteThreshold !== undefined) {
    const n = Number(edits.autoRemoteThreshold);
    if (edits.autoRemoteThreshold.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
      return { ok: false, error: 'The auto threshold is a number from 0 to 1.' };
    }
    if (n !== current.autoRemoteThreshold) patch.autoRemoteThreshold = n;
  }
  return { ok: true, patch };
}
