import type { CatalogEntry, HubRepoFiles } from '../../../../shared/models';

type File = HubRepoFiles['files'][number];

/**
 * The file of a repository to fetch for a catalog entry: its suggested quantization when the repository has it and
 * it fits, else the one the fit estimate recommends, else the suggested one anyway, else the first.
 */
export function fileForEntry(entry: Pick<CatalogEntry, 'quant'>, repo: Pick<HubRepoFiles, 'files'>): File | undefined {
  const want = entry.quant.toUpperCase();
  const suggested = repo.files.find((f) => f.quant?.name.toUpperCase() === want);
  if (suggested && suggested.fit?.verdict !== 'wont-fit') return suggested;
  return repo.files.find((f) => f.recommended) ?? suggested ?? repo.files[0];
}
