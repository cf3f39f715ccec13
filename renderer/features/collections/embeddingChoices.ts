import type { LibraryModel } from '../../../shared/models';
import { baseName } from '../models/common/format';

export interface EmbeddingChoice {
  path: string;
  label: string;
  /** Embedding models first; a chat model embeds too, less well. */
  group: 'embedding' | 'other';
}

/**
 * The library's models that can embed: every model that loads, embedding models first, adapters and files the
 * preflight refused left out. The chosen path stays listed even if the file has gone, so the picker says what is
 * set rather than silently showing another.
 */
export function embeddingChoices(models: readonly LibraryModel[] | undefined, current: string | null): EmbeddingChoice[] {
  // Before the library has arrived the chosen model is shown by its name, not yet judged missing.
  if (!models) return current ? [{ path: current, label: baseName(current), group: 'other' }] : [];
  const usable = models.filter((m) => !m.problem && m.meta?.kind !== 'adapter');
  const choices: EmbeddingChoice[] = usable
    .map((m): EmbeddingChoice => ({ path: m.path, label: m.fileName, group: m.meta?.kind === 'embedding' ? 'embedding' : 'other' }))
    .sort((a, b) => (a.group === b.group ? a.label.localeCompare(b.label) : a.group === 'embedding' ? -1 : 1));
  if (current && !choices.some((c) => c.path === current)) {
    choices.unshift({ path: current, label: `${baseName(current)} (not in the library)`, group: 'other' });
  }
  return choices;
}
