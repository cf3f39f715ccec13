import type { LicenceCard, MachineReport } from '../../shared/models';

/** The seams between the model manager's services, so each can be built and tested on its own. */

/** One file to fetch: where from, where to, and what it must hash to. */
export interface DownloadPart {
  /** The path in the repository. */
  remotePath: string;
  /** The absolute URL on the Hub (`{hubUrl}/{repo}/resolve/{revision}/{remotePath}`). */
  url: string;
  /** Lower-case hex SHA-256 from the Hub's LFS pointer; null when the Hub gave none (the download then fails). */
  sha256: string | null;
  sizeBytes: number;
}

/** Lists the parts of one quantization at a revision, with sizes and hashes, straight from the Hub. */
export interface HubFilesResolver {
  resolve(repo: string, revision: string, file: string): Promise<{ parts: DownloadPart[]; license: LicenceCard }>;
}

/** Told when a download is verified and in place, so the model is in the library with its source and licence. */
export interface LibraryRegistrar {
  registerDownload(r: { path: string; repo: string; revision: string; file: string; sha256: string; license: LicenceCard }): void;
}

export interface MachineSource {
  report(): Promise<MachineReport>;
}
