import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { LicenceCard } from '../../../shared/models';
import type { HubFilesResolver } from '../ports';
import type { StoredPart } from './downloadsRepo';
import { checkRepoId, destinationFor } from './safePath';

/** What the Hub resolver hands over, checked: it came from the network. */
const Resolved = z.object({
  parts: z
    .array(
      z.object({
        remotePath: z.string(),
        url: z.string().regex(/^https?:\/\//),
        sha256: z.string().nullable(),
        sizeBytes: z.number().int().nonnegative(),
      }),
    )
    .min(1),
  license: LicenceCard,
});

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * What one download fetches: every part of the quantization at the revision, as the Hub lists it now, each with
 * the place on disk it goes and the SHA-256 it must match. Refuses a name that would leave the models folder, and
 * a part the Hub gives no hash for: an unchecked file is never handed out.
 */
export async function planDownload(
  hub: HubFilesResolver,
  modelsDir: string,
  repo: string,
  revision: string,
  file: string,
): Promise<{ parts: StoredPart[]; license: LicenceCard }> {
  checkRepoId(repo);
  const resolved = Resolved.safeParse(await hub.resolve(repo, revision, file));
  if (!resolved.success) {
    throw new AppError('NETWORK', `The Hub's listing of ${repo} could not be read: ${resolved.error.issues[0]?.message}.`);
  }
  const parts = resolved.data.parts.map((p) => {
    const sha256 = p.sha256?.toLowerCase() ?? null;
    if (!sha256 || !SHA256.test(sha256)) {
      throw new AppError(
        'NETWORK',
        `The Hub gives no SHA-256 for ${repo}/${p.remotePath}, so Hearth could not check the file; it was not downloaded.`,
      );
    }
    return {
      remotePath: p.remotePath,
      destPath: destinationFor(modelsDir, repo, p.remotePath),
      sha256,
      sizeBytes: p.sizeBytes,
      url: p.url,
    };
  });
  return { parts, license: resolved.data.license };
}
