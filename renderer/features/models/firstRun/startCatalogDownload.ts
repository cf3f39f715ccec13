import type { CatalogEntry, Download } from '../../../../shared/models';
import { call } from '../../../api/client';
import { fileForEntry } from './fileForEntry';

/** One click: list the repository (for its revision and the file's name), then queue that file's download. */
export async function startCatalogDownload(entry: CatalogEntry): Promise<Download> {
  const repo = await call('hub:files', { repo: entry.repo });
  const file = fileForEntry(entry, repo);
  if (!file) throw new Error(`${entry.repo} has no GGUF file to download.`);
  return call('downloads:start', { repo: repo.repo, revision: repo.revision, file: file.path });
}
