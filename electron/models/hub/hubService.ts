import { AppError } from '../../../shared/errors';
import type { CatalogEntry, HubFile, HubModel, HubRepoFiles, LicenceCard, MachineReport } from '../../../shared/models';
import type { Scheduler } from '../../scheduler/scheduler';
import { catalogEntries } from '../catalog/loadCatalog';
import { estimateFit } from '../fit/estimate';
import { quantFromFileName } from '../fit/quants';
import { recommendIndex } from '../fit/recommend';
import type { DownloadPart, HubFilesResolver, MachineSource } from '../ports';
import { FitReader } from './fitReader';
import { type GgufGroup, groupGgufFiles, whyNotQuantization } from './ggufFiles';
import { HubClient, type RepoInfo } from './hubClient';
import { HubTokenStore } from './hubToken';
import { licenceCard } from './licenceCards';

export interface HubOptions {
  /** The Hub's address (HF_ENDPOINT, else https://huggingface.co), passed to @huggingface/hub as `hubUrl`. */
  hubUrl: string;
  /** Where the token is kept (a file only the user can read). */
  dataDir: string;
  scheduler: Scheduler;
  machine: MachineSource;
  /** Whether a repository file is already in the library. */
  isDownloaded: (repo: string, file: string) => boolean;
  /** How long one request to the Hub may take (30 s unless given). */
  requestTimeoutMs?: number;
}

/** Results a search returns: enough to choose from, few enough to list quickly. */
export const SEARCH_LIMIT = 30;
/** The context size a fit is estimated at when the caller names none. */
export const DEFAULT_FIT_CONTEXT = 4096;
const EMBEDDING_TASKS = ['feature-extraction', 'sentence-similarity'];

/** Search the Hub, list a repository's quantizations with licence, quality and fit, and the curated catalog. */
export class HubService implements HubFilesResolver {
  private readonly tokens: HubTokenStore;
  private readonly client: HubClient;
  private readonly fits: FitReader;

  constructor(private readonly o: HubOptions) {
    this.tokens = new HubTokenStore(o.dataDir);
    this.client = new HubClient({ hubUrl: o.hubUrl, token: () => this.token(), timeoutMs: o.requestTimeoutMs ?? 30_000 });
    this.fits = new FitReader(o.scheduler);
  }

  /** The curated catalog; with `commercialOnly`, only models whose licence allows commercial use. */
  catalog(commercialOnly: boolean): CatalogEntry[] {
    return catalogEntries(commercialOnly);
  }

  /** GGUF repositories on the Hub, most downloaded first. */
  async search(query: string, opts: { commercialOnly?: boolean; kind?: 'chat' | 'embedding' }): Promise<HubModel[]> {
    const q = query.trim();
    // Filtering drops some after the fact, so ask for more when a filter will.
    const limit = opts.commercialOnly || opts.kind === 'chat' ? SEARCH_LIMIT * 2 : SEARCH_LIMIT;
    let found: RepoInfo[];
    if (opts.kind === 'embedding') {
      // The Hub filters on one pipeline tag per request, and embedding models carry either of two.
      const lists = await Promise.all(EMBEDDING_TASKS.map((task) => this.client.search(q, { task, limit })));
      const byRepo = new Map(lists.flat().map((r) => [r.repo, r]));
      found = [...byRepo.values()].sort((a, b) => b.downloads - a.downloads);
    } else {
      found = await this.client.search(q, { limit });
    }
    return found
      .map((r) => this.toHubModel(r))
      .filter((m) => (!opts.kind || m.kind === opts.kind) && (!opts.commercialOnly || m.license.commercialUse === true))
      .slice(0, SEARCH_LIMIT);
  }

  /** A repository's quantizations at its current commit, each with size, hashes, quality note and fit. */
  async files(repo: string, contextSize: number | undefined): Promise<HubRepoFiles> {
    const info = await this.client.modelInfo(repo);
    const tree = await this.client.listTree(repo, info.sha, '', true);
    const groups = groupGgufFiles(tree);
    const ctx = contextSize && contextSize > 0 ? contextSize : DEFAULT_FIT_CONTEXT;
    const locked = info.gated && !this.token();
    const machine = locked || groups.length === 0 ? null : await this.machineReport();
    // A gated repository's files are read with the token; an open one's never carry it.
    const token = info.gated ? this.token() : null;
    const headers = token ? { Authorization: `Bearer ${token}` } : undefined;
    const fits = await Promise.all(groups.map((g) => this.fitOf(repo, info.sha, g, ctx, locked, machine, headers)));
    const files: HubFile[] = groups.map((g, i) => ({
      path: g.path,
      parts: g.parts.map((p) => p.path),
      sizeBytes: g.sizeBytes,
      sha256: g.parts.map((p) => p.sha256),
      quant: quantFromFileName(g.path.split('/').pop() ?? g.path),
      fit: fits[i]?.fit ?? null,
      fitError: fits[i]?.fitError ?? null,
      recommended: false,
      downloaded: this.o.isDownloaded(repo, g.path),
    }));
    const best = recommendIndex(files);
    const chosen = files[best];
    if (chosen) chosen.recommended = true;
    return { ...this.toHubModel(info), revision: info.sha, files };
  }

  /** The parts of one quantization at `revision`, with their URLs, sizes and LFS hashes, and the licence. */
  async resolve(repo: string, revision: string, file: string): Promise<{ parts: DownloadPart[]; license: LicenceCard }> {
    const info = await this.client.modelInfo(repo, revision);
    if (info.gated && !this.token()) throw new AppError('FORBIDDEN', gatedMessage(repo));
    const slash = file.lastIndexOf('/');
    // Split parts sit beside their first part, so the folder holding it is all that needs listing.
    const folder = slash > 0 ? file.slice(0, slash) : '';
    const tree = await this.client.listTree(repo, info.sha, folder, false);
    const groups = groupGgufFiles(tree);
    const why = whyNotQuantization(file, tree, groups);
    if (why) throw new AppError(why.includes('not in the repository') ? 'NOT_FOUND' : 'BAD_INPUT', `Cannot download from ${repo}: ${why}`);
    const group = groups.find((g) => g.path === file);
    if (!group) throw new AppError('NOT_FOUND', `Cannot download from ${repo}: ${file} is not in the repository at this revision.`);
    return {
      parts: group.parts.map((p) => ({
        remotePath: p.path,
        url: this.client.resolveUrl(repo, info.sha, p.path),
        sha256: p.sha256,
        sizeBytes: p.sizeBytes,
      })),
      license: this.licenceOf(info),
    };
  }

  setToken(token: string | null): { hasToken: boolean } {
    this.tokens.set(token);
    return this.tokenStatus();
  }

  tokenStatus(): { hasToken: boolean } {
    return { hasToken: this.token() !== null };
  }

  /** The token for requests to the Hub (and only the Hub), or null. */
  token(): string | null {
    return this.tokens.get();
  }

  private async machineReport(): Promise<MachineReport | Error> {
    try {
      return await this.o.machine.report();
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** A fit for one quantization; a header or machine that cannot be read gives a reason, never a failed listing. */
  private async fitOf(
    repo: string,
    sha: string,
    g: GgufGroup,
    contextSize: number,
    locked: boolean,
    machine: MachineReport | Error | null,
    headers: Record<string, string> | undefined,
  ): Promise<Pick<HubFile, 'fit' | 'fitError'>> {
    if (locked) return { fit: null, fitError: gatedMessage(repo) };
    if (machine instanceof Error) return { fit: null, fitError: `Could not read this machine's memory: ${machine.message}` };
    if (!machine) return { fit: null, fitError: 'Not estimated.' };
    try {
      const inspected = await this.fits.inspect(this.client.resolveUrl(repo, sha, g.path), contextSize, headers);
      return { fit: estimateFit(inspected, machine), fitError: null };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { fit: null, fitError: `Could not read the file's header: ${message}` };
    }
  }

  private licenceOf(r: RepoInfo): LicenceCard {
    return licenceCard({ license: r.license, licenseName: r.licenseName, licenseLink: r.licenseLink, repo: r.repo });
  }

  private toHubModel(r: RepoInfo): HubModel {
    const embedding = EMBEDDING_TASKS.includes(r.pipelineTag ?? '') || (!r.pipelineTag && r.tags.some((t) => EMBEDDING_TASKS.includes(t)));
    return {
      repo: r.repo,
      author: r.author,
      downloads: r.downloads,
      likes: r.likes,
      updatedAt: r.updatedAt,
      license: this.licenceOf(r),
      gated: r.gated,
      kind: embedding ? 'embedding' : 'chat',
    };
  }
}

function gatedMessage(repo: string): string {
  return `${repo} is gated: accept its terms on the Hugging Face website, then add a Hugging Face token in Settings.`;
}
