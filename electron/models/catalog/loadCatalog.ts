import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { CatalogEntry } from '../../../shared/models';
import { licenceCard } from '../hub/licenceCards';
import data from './catalog.json';

/** One entry as catalog.json keeps it: the licence by its Hub id, the card made from it when loaded. */
export const CatalogRecord = CatalogEntry.omit({ license: true }).extend({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  repo: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/),
  approxSizeBytes: z.number().int().positive(),
  /** The Hub's licence id ("apache-2.0", "llama3.2"), or a name used with `other` ("qwen-research", "mrl"). */
  license: z.string().min(1),
});
export type CatalogRecord = z.infer<typeof CatalogRecord>;

export const CatalogFile = z.object({
  version: z.literal(1),
  // Every embedding model says its prefixes, empty ones included, so "none" is a decision rather than an omission.
  models: z
    .array(
      CatalogRecord.refine((m) => (m.kind === 'embedding') === (m.prefixes !== undefined), {
        message: 'An embedding model needs its prefixes (empty strings for none), and only an embedding model has them.',
      }),
    )
    .min(1),
});

let cached: CatalogEntry[] | null = null;

/** The curated catalog, checked once; a broken catalog.json is a bug in Hearth, said as such. */
export function loadCatalog(raw: unknown = data): CatalogEntry[] {
  if (raw === data && cached) return cached;
  const parsed = CatalogFile.safeParse(raw);
  if (!parsed.success)
    throw new AppError('INTERNAL', `The model catalog is malformed: ${parsed.error.issues[0]?.message ?? 'unknown problem'}.`);
  const ids = new Set<string>();
  const entries = parsed.data.models.map((m) => {
    if (ids.has(m.id)) throw new AppError('INTERNAL', `The model catalog lists ${m.id} twice.`);
    ids.add(m.id);
    return { ...m, license: licenceCard({ license: m.license, repo: m.repo }) };
  });
  if (raw === data) cached = entries;
  return entries;
}

/** The catalog as the app lists it; with `commercialOnly`, only licences that allow commercial use (never unknown). */
export function catalogEntries(commercialOnly: boolean): CatalogEntry[] {
  const all = loadCatalog();
  return commercialOnly ? all.filter((e) => e.license.commercialUse === true) : all;
}
