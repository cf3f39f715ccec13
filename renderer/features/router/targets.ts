import type { AnswerTarget, MessageRoute, Provider, RemoteModelRef } from '../../../shared/api';
import type { LibraryModel } from '../../../shared/models';
import { placeOf } from './routeText';

/** A place an answer can be written: a local model file, or an enabled provider's model. */
export interface TargetOption {
  /** Stable and unique: `local:<path>` or `remote:<providerId>:<model>`. */
  key: string;
  label: string;
  target: AnswerTarget;
}

export const targetKey = (t: AnswerTarget): string => (t.kind === 'local' ? `local:${t.modelPath}` : `remote:${t.providerId}:${t.model}`);

const fileNameOf = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/**
 * Every place an answer can go now: the local chat models (the library's, as the model picker lists them), then
 * the models of enabled providers. A disabled provider is no place at all: nothing goes out until it is enabled.
 */
export function targetOptions(localModels: readonly LibraryModel[], providers: readonly Provider[]): TargetOption[] {
  const local = localModels
    .filter((m) => m.problem === null)
    .map((m) => {
      const target: AnswerTarget = { kind: 'local', modelPath: m.path };
      return { key: targetKey(target), label: placeOf('local', null, m.fileName), target };
    });
  const remote = providers
    .filter((p) => p.enabled)
    .flatMap((p) =>
      p.models.map((m) => {
        const target: AnswerTarget = { kind: 'remote', providerId: p.id, model: m.id };
        return { key: targetKey(target), label: placeOf('remote', p.name, m.id), target };
      }),
    );
  return [...local, ...remote];
}

/** Whether an answer that ran on `route` (or, with no route, as `model` on this machine) ran at `t`. */
function ranAt(t: AnswerTarget, route: MessageRoute | undefined, model: string | null): boolean {
  if (route?.target === 'remote') return t.kind === 'remote' && t.providerId === route.providerId && t.model === route.model;
  const ranModel = route?.model ?? model;
  return t.kind === 'local' && ranModel !== null && fileNameOf(t.modelPath) === ranModel;
}

/** "Run elsewhere": every place but the one the answer ran at. */
export function elsewhereOptions(options: readonly TargetOption[], route: MessageRoute | undefined, model: string | null): TargetOption[] {
  return options.filter((o) => !ranAt(o.target, route, model));
}

/** The place an answer ran at, as a target, when it is still one of the options (compare starts from it). */
export function optionOfRoute(
  options: readonly TargetOption[],
  route: MessageRoute | undefined,
  model: string | null,
): TargetOption | null {
  return options.find((o) => ranAt(o.target, route, model)) ?? null;
}

/**
 * The two sides a comparison starts with: `first` if given (the answer being compared), else this machine's
 * selected model; the second is the default remote model, else another place, so the two differ when they can.
 */
export function defaultPair(
  options: readonly TargetOption[],
  first: TargetOption | null,
  selectedModelPath: string | null,
  defaultRemote: RemoteModelRef | null,
): [TargetOption, TargetOption] | null {
  if (options.length === 0) return null;
  const selected = options.find((o) => o.target.kind === 'local' && o.target.modelPath === selectedModelPath);
  const a = first ?? selected ?? options[0]!;
  const remote = defaultRemote
    ? options.find(
        (o) => o.target.kind === 'remote' && o.target.providerId === defaultRemote.providerId && o.target.model === defaultRemote.model,
      )
    : undefined;
  const b =
    (remote && remote.key !== a.key ? remote : undefined) ??
    options.find((o) => o.key !== a.key && o.target.kind !== a.target.kind) ??
    options.find((o) => o.key !== a.key) ??
    a;
  return [a, b];
}
