import { AppError } from '../../../shared/errors';
import type { CatalogEntry, HubModel, HubRepoFiles, LicenceCard } from '../../../shared/models';
import type { Scheduler } from '../../scheduler/scheduler';
import type { DownloadPart, HubFilesResolver, MachineSource } from '../ports';

export interface HubOptions {
  /** The Hub's address (HF_ENDPOINT, else https://huggingface.co), passed to @huggingface/hub as `hubUrl`. */
  hubUrl: string;
  /** Where the token is kept (a file only the user can read). */
  dataDir: string;
  scheduler: Scheduler;
  machine: MachineSource;
  /** Whether a repository file is already in the library. */
  isDownloaded: (repo: string, file: string) => boolean;
}

/** Search the Hub, list a repository's quantizations with licence, quality and fit, and the curated catalog. */
export class HubService implements HubFilesResolver {
  constructor(private readonly o: HubOptions) {}

  catalog(_commercialOnly: boolean): CatalogEntry[] {
    void this.o;
    throw new AppError('UNSUPPORTED', 'The catalog is not built yet.');
  }

  async search(_query: string, _opts: { commercialOnly?: boolean; kind?: 'chat' | 'embedding' }): Promise<HubModel[]> {
    throw new AppError('UNSUPPORTED', 'Hub search is not built yet.');
  }

  async files(_repo: string, _contextSize: number | undefined): Promise<HubRepoFiles> {
    throw new AppError('UNSUPPORTED', 'Hub files are not built yet.');
  }

  async resolve(_repo: string, _revision: string, _file: string): Promise<{ parts: DownloadPart[]; license: LicenceCard }> {
    throw new AppError('UNSUPPORTED', 'Hub files are not built yet.');
  }

  setToken(_token: string | null): { hasToken: boolean } {
    throw new AppError('UNSUPPORTED', 'Hub tokens are not built yet.');
  }

  tokenStatus(): { hasToken: boolean } {
    return { hasToken: false };
  }

  /** The token for requests, or null. */
  token(): string | null {
    return null;
  }
}
