import type { AnswerTarget, ConversationRouting, Provider, ProviderModel, RemoteModelRef, RouteRule } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { complexityOf } from './complexity';
import { costUsd, usd } from './cost';

/** Where one answer runs, which rule said so, and why in words. */
export type Decision = {
  rule: RouteRule;
  reason: string;
  /** Auto's complexity estimate (0..1) when it was made. */
  complexity: number | null;
} & ({ target: 'local'; modelPath: string | null } | { target: 'remote'; provider: Provider; model: ProviderModel });

/** What the rules look at for one message. Everything is read before: deciding is pure. */
export interface DecideInput {
  routing: ConversationRouting;
  /** Document collections are attached to the conversation. */
  hasDocuments: boolean;
  /** The remote model settings name for conversations that name none. */
  defaultRemote: RemoteModelRef | null;
  provider: (id: string) => Provider | null;
  /** The message being answered (complexity reads it). */
  text: string;
  /** Estimated tokens of what the model would be sent, and the longest answer it may write (the cost estimate). */
  promptTokens: number;
  answerTokens: number;
  /** Spent on remote answers this calendar month, and the cap (US dollars). */
  monthSpendUsd: number;
  capUsd: number;
  /** Auto sends a message out at this complexity or more. */
  threshold: number;
}

const local = (rule: RouteRule, reason: string, complexity: number | null = null): Decision => ({
  target: 'local',
  modelPath: null,
  rule,
  reason,
  complexity,
});

/**
 * The router's rules. `local`: here. `remote`: the conversation's remote model (or the default one), unless privacy
 * or an unusable provider keeps it here. `auto`, in order: privacy (marked private, documents attached: here,
 * always), a usable provider (nothing goes out until one is enabled), the month's cost cap, then the complexity
 * estimate against the threshold. A fallback is a decision with its reason, never an error that loses the message.
 */
export function decide(input: DecideInput): Decision {
  const { routing } = input;
  if (routing.policy === 'local') return local('policy', 'This chat runs on this machine only.');
  const privacy = privacyOf(routing, input.hasDocuments);
  if (privacy) return local(privacy.rule, `${privacy.why}, so it stays on this machine.`);
  const remote = usableRemote(routing.remote ?? input.defaultRemote, input.provider);
  if ('unusable' in remote) return local('no-provider', `${remote.unusable.problem}, so it ran here: ${remote.unusable.advice}.`);
  const { provider, model } = remote;
  const name = `${model.id} (${provider.name})`;
  if (routing.policy === 'remote')
    return { target: 'remote', provider, model, rule: 'policy', reason: `This chat runs on ${name}.`, complexity: null };
  const estimate = costUsd(model, input.promptTokens, input.answerTokens);
  // A free model (the user's own server) costs nothing, so the cap never stands in its way.
  if (estimate > 0 && input.monthSpendUsd + estimate > input.capUsd) {
    return local('cost-cap', `Over this month's ${usd(input.capUsd)} cap (${usd(input.monthSpendUsd)} spent), so it ran here.`);
  }
  const { score, cues } = complexityOf(input.text);
  if (score >= input.threshold) {
    const why = cues.length > 0 ? ` (${cues.join(', ')})` : '';
    return { target: 'remote', provider, model, rule: 'complexity', reason: `Looks complex${why}: sent to ${name}.`, complexity: score };
  }
  return local('complexity', 'Looks simple enough for this machine, so it ran here.', score);
}

/**
 * The user named the place (run elsewhere, compare): it runs there, unless it would take a private or
 * document-attached conversation off the machine, which is refused in words before anything is saved.
 */
export function decideTarget(input: Pick<DecideInput, 'routing' | 'hasDocuments' | 'provider'>, target: AnswerTarget): Decision {
  if (target.kind === 'local')
    return {
      target: 'local',
      modelPath: target.modelPath,
      rule: 'user',
      reason: 'You asked for it to run on this machine.',
      complexity: null,
    };
  const privacy = privacyOf(input.routing, input.hasDocuments);
  if (privacy) throw new AppError('FORBIDDEN', `${privacy.why}, so it never leaves this machine.`);
  const remote = usableRemote(target, input.provider);
  if ('unusable' in remote) throw new AppError('BAD_INPUT', `${remote.unusable.problem}: ${remote.unusable.advice}.`);
  const { provider, model } = remote;
  return {
    target: 'remote',
    provider,
    model,
    rule: 'user',
    reason: `You asked for it to run on ${model.id} (${provider.name}).`,
    complexity: null,
  };
}

function privacyOf(routing: ConversationRouting, hasDocuments: boolean): { rule: RouteRule; why: string } | null {
  if (routing.private) return { rule: 'private', why: 'This chat is marked private' };
  if (hasDocuments) return { rule: 'documents', why: 'Documents are attached' };
  return null;
}

interface Unusable {
  problem: string;
  advice: string;
}

/** The provider and model a reference names, if it is enabled and offers that model; else what is wrong, in words. */
function usableRemote(
  ref: RemoteModelRef | null,
  find: (id: string) => Provider | null,
): { provider: Provider; model: ProviderModel } | { unusable: Unusable } {
  const no = (problem: string, advice: string): { unusable: Unusable } => ({ unusable: { problem, advice } });
  if (!ref) return no('No remote model is chosen for this chat', 'nothing goes out until you enable a provider and pick one of its models');
  const provider = find(ref.providerId);
  if (!provider) return no('The provider this chat names was removed', 'pick another remote model');
  if (!provider.enabled) return no(`${provider.name} is not enabled`, 'nothing goes out until you enable a provider');
  const model = provider.models.find((m) => m.id === ref.model);
  if (!model) return no(`${provider.name} does not list ${ref.model}`, `add it to ${provider.name}'s models, or pick another`);
  return { provider, model };
}
