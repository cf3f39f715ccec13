import type { CatalogEntry } from '../../shared/models';
import { loadCatalog } from '../models/catalog/loadCatalog';

/** What an embedding model wants before a search's query and before each passage it indexes; '' is none. */
export interface EmbeddingPrefixes {
  query: string;
  document: string;
}

/** The model the prefixes are for, as the library knows it: its file, its Hub source, its GGUF general.name. */
export interface PrefixedModel {
  path: string;
  hub: { repo: string } | null;
  name: string | null;
}

export const NO_PREFIXES: EmbeddingPrefixes = Object.freeze({ query: '', document: '' });

/** A name with case, spaces and punctuation gone: "Nomic Embed Text v1.5", "nomic-embed-text-v1.5" -> "nomicembedtextv15". */
const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A Hub repository's model name without the GGUF suffix its converters add: "bge-small-en-v1.5-gguf" -> "bge-small-en-v1.5". */
const repoModel = (repo: string): string => (repo.split('/').pop() ?? '').replace(/[-_.]gguf$/i, '');

/**
 * A GGUF file's name without its extension, split-part suffix and quantization, the way converters and quantizers
 * name files: "nomic-embed-text-v1.5.Q8_0.gguf", "bge-small-en-v1.5-f16.gguf", "model-00001-of-00002.gguf".
 */
function fileModel(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? '';
  return file
    .replace(/\.gguf$/i, '')
    .replace(/-\d{5}-of-\d{5}$/, '')
    .replace(/[-_.](?:i?q\d\w*|f16|f32|bf16)$/i, '');
}

/**
 * The query and document prefixes for an embedding model, from the catalog entry it is: the one from the same Hub
 * repository, else the one whose model it names (a GGUF from another repository, general.name, or the file name).
 * Names match whole, after case and punctuation, never in part: "multilingual-e5-small-instruct" is not
 * "multilingual-e5-small", and a wrong prefix is worse than none. A model the catalog does not know gets none.
 */
export function prefixesFor(model: PrefixedModel, catalog: readonly CatalogEntry[] = loadCatalog()): EmbeddingPrefixes {
  const embedding = catalog.filter((e) => e.kind === 'embedding' && e.prefixes);
  const repo = model.hub?.repo.toLowerCase();
  const byRepo = repo ? embedding.find((e) => e.repo.toLowerCase() === repo) : undefined;
  if (byRepo?.prefixes) return { ...byRepo.prefixes };

  const names = [model.hub ? repoModel(model.hub.repo) : null, model.name, fileModel(model.path)]
    .filter((n): n is string => !!n)
    .map(squash)
    .filter((n) => n.length > 0);
  for (const name of names) {
    const entry = embedding.find((e) => [e.id, e.title, repoModel(e.repo)].some((key) => squash(key) === name));
    if (entry?.prefixes) return { ...entry.prefixes };
  }
  return { ...NO_PREFIXES };
}
