import type { MessageRoute, RoutePolicy, RouteRule } from '../../../shared/api';

/** What the user sees for a place an answer ran: "This machine · qwen.gguf" or "OpenAI · gpt-4o-mini". */
export function placeOf(target: 'local' | 'remote', providerName: string | null, model: string): string {
  return target === 'local' ? `This machine · ${model}` : `${providerName ?? 'A remote provider'} · ${model}`;
}

/**
 * US dollars as people read them: whole cents from a cent up, and enough digits below a cent that a small remote
 * answer does not show as $0.00 (a thousand of them add up to real money).
 */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  if (usd < 0.000001) return '<$0.000001';
  return `$${usd.toPrecision(2).replace(/0+$/, '')}`;
}

const RULES: Record<RouteRule, string> = {
  policy: 'Conversation setting',
  private: 'Private',
  documents: 'Documents attached',
  'no-provider': 'No provider',
  'cost-cap': 'Cost cap',
  complexity: 'Complexity',
  user: 'Your choice',
};

/** The rule that decided, in a word or two (the routing log's column). */
export const ruleLabel = (rule: RouteRule): string => RULES[rule];

/** The route line under an answer: where, what it cost (remote, once known), and why. */
export function routeLine(route: MessageRoute): { place: string; cost: string | null; reason: string } {
  const cost = route.target === 'remote' && route.costUsd !== null ? formatUsd(route.costUsd) : null;
  return { place: placeOf(route.target, route.providerName, route.model), cost, reason: route.reason };
}

export const POLICIES: { value: RoutePolicy; label: string; hint: string }[] = [
  { value: 'local', label: 'Local only', hint: 'Every answer is written on this machine.' },
  { value: 'remote', label: 'Remote only', hint: 'Every answer is written by the remote model.' },
  {
    value: 'auto',
    label: 'Auto',
    hint: 'Simple messages stay here; complex ones go to the remote model while the month stays under the cap.',
  },
];

export const policyLabel = (p: RoutePolicy): string => POLICIES.find((x) => x.value === p)!.label;

/** How far this month's remote spending has gone towards the cap, 0..1 (a cap of 0 is reached at once). */
export function capShare(spent: number, cap: number): number {
  if (cap <= 0) return spent > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, spent / cap));
}
