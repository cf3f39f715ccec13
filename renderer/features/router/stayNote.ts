import type { ConversationRouting } from '../../../shared/api';

export interface StayNote {
  /** `stays`: nothing leaves this machine whatever the policy; `goes`: some answers are written remotely. */
  kind: 'stays' | 'goes';
  text: string;
}

/**
 * What the route picker tells the user about this chat's privacy, in the order the router's rules apply:
 * private, then documents attached, then no provider enabled. Null for local only (nothing to add).
 * `providerEnabled` is null while the providers are not known yet.
 */
export function stayNote(a: { routing: ConversationRouting; documents: boolean; providerEnabled: boolean | null }): StayNote | null {
  if (a.routing.private) return { kind: 'stays', text: 'Private: every answer is written on this machine, whatever the setting above.' };
  if (a.documents) {
    return { kind: 'stays', text: 'Documents are attached: answers stay on this machine, so nothing of them goes out.' };
  }
  if (a.routing.policy === 'local') return null;
  if (a.providerEnabled === false) {
    return {
      kind: 'stays',
      text: 'No remote provider is enabled, so answers stay on this machine. Add one in Connections, Remote providers.',
    };
  }
  if (a.routing.policy === 'remote') return { kind: 'goes', text: 'Your messages and this chat so far are sent to the remote model.' };
  return { kind: 'goes', text: 'Complex messages and this chat so far are sent to the remote model, while the month stays under the cap.' };
}
