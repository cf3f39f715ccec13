import { HubApiError, listFiles, listModels, modelInfo } from '@huggingface/hub';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { TreeFile } from './ggufFiles';

/** "owner/name", as the Hub spells repository ids. */
export const REPO_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;
/** A branch, tag or commit; no `..`, no leading slash. */
const REVISION = /^(?!.*\.\.)[\w.-][\w./-]{0,99}$/;

export interface HubClientOptions {
  hubUrl: string;
  /** The user's token, sent to the Hub's own origin only. */
  token: () => string | null;
  /** How long one request may take before it counts as failed. */
  timeoutMs: number;
}

/** What Hearth needs of a repository's model info or search entry, parsed from what the Hub answered. */
export interface RepoInfo {
  repo: string;
  author: string;
  /** The commit the info is at; null in search results (the Hub gives it only when asked). */
  sha: string | null;
  downloads: number;
  likes: number;
  updatedAt: string | null;
  gated: boolean;
  pipelineTag: string | null;
  tags: string[];
  license: string | null;
  licenseName: string | null;
  licenseLink: string | null;
}

const CardData = z
  .object({
    license: z.union([z.string(), z.array(z.string())]).nullish(),
    license_name: z.string().nullish(),
    license_link: z.string().nullish(),
  })
  .passthrough()
  .nullish();

/** What @huggingface/hub yields (it casts the Hub's JSON; this checks it). */
const ModelEntry = z.object({
  name: z.string().regex(REPO_ID),
  task: z.string().nullish(),
  downloads: z.number().nonnegative().nullish(),
  likes: z.number().nullish(),
  gated: z.union([z.boolean(), z.string()]).nullish(),
  updatedAt: z.date().nullish(),
  tags: z.array(z.string()).nullish(),
  cardData: CardData,
  author: z.string().nullish(),
  sha: z
    .string()
    .regex(/^[0-9a-f]{40}$/i)
    .nullish(),
});

const TreeEntry = z.object({
  type: z.enum(['file', 'directory', 'unknown']),
  path: z.string().min(1),
  size: z.number().nonnegative(),
  lfs: z.object({ oid: z.string().regex(/^[0-9a-f]{64}$/i), size: z.number().nonnegative() }).nullish(),
});

const INFO_FIELDS = ['tags', 'cardData', 'author', 'sha'] as const;
const SEARCH_FIELDS = ['tags', 'cardData', 'author'] as const;

/** A thin, checked wrapper over @huggingface/hub: every answer parsed, every failure an AppError a person can read. */
export class HubClient {
  private readonly hubUrl: string;
  private readonly origin: string;

  constructor(private readonly o: HubClientOptions) {
    this.hubUrl = o.hubUrl.replace(/\/+$/, '');
    this.origin = new URL(this.hubUrl).origin;
  }

  /** `{hubUrl}/{repo}/resolve/{revision}/{path}`: where a file's bytes are. */
  resolveUrl(repo: string, revision: string, path: string): string {
    const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');
    return `${this.hubUrl}/${enc(repo)}/resolve/${encodeURIComponent(revision)}/${enc(path)}`;
  }

  async modelInfo(repo: string, revision?: string): Promise<RepoInfo & { sha: string }> {
    checkRepo(repo);
    if (revision !== undefined) checkRevision(revision);
    const entry = await this.call(`read ${repo}`, async () =>
      modelInfo({
        name: repo,
        hubUrl: this.hubUrl,
        fetch: this.fetch,
        additionalFields: [...INFO_FIELDS],
        ...(revision ? { revision } : {}),
      }),
    );
    const info = this.parse(ModelEntry, entry, `read ${repo}`);
    if (!info.sha) throw new AppError('NETWORK', `The Hub at ${this.hubUrl} gave no commit for ${repo}.`);
    return { ...toRepoInfo(info), sha: info.sha.toLowerCase() };
  }

  /** The files under `path` at `revision`: every file below it when recursive, else only its own. */
  async listTree(repo: string, revision: string, path: string, recursive: boolean): Promise<TreeFile[]> {
    checkRepo(repo);
    checkRevision(revision);
    const what = `list the files of ${repo}`;
    const entries = await this.call(what, async () => {
      const out: unknown[] = [];
      for await (const e of listFiles({ repo, revision, recursive, hubUrl: this.hubUrl, fetch: this.fetch, ...(path ? { path } : {}) })) {
        out.push(e);
      }
      return out;
    });
    return entries
      .map((e) => this.parse(TreeEntry, e, what))
      .filter((e) => e.type === 'file')
      .map((e) => ({ path: e.path, sizeBytes: e.lfs?.size ?? e.size, sha256: e.lfs ? e.lfs.oid.toLowerCase() : null }));
  }

  /** GGUF repositories matching `query`, most downloaded first. */
  async search(query: string, opts: { task?: string; limit: number }): Promise<RepoInfo[]> {
    const what = `search for "${query}"`;
    const entries = await this.call(what, async () => {
      const out: unknown[] = [];
      const search = { tags: ['gguf'], ...(query ? { query } : {}), ...(opts.task ? { task: opts.task as never } : {}) };
      for await (const e of listModels({
        search,
        limit: opts.limit,
        sort: 'downloads',
        hubUrl: this.hubUrl,
        fetch: this.fetch,
        additionalFields: [...SEARCH_FIELDS],
      })) {
        out.push(e);
      }
      return out;
    });
    return entries.map((e) => toRepoInfo(this.parse(ModelEntry, e, what)));
  }

  /**
   * The fetch @huggingface/hub uses: a deadline on every request, and the token only for the Hub's own origin,
   * also across redirects and the `Link` pages of a listing, which could point anywhere.
   */
  private readonly fetch: typeof fetch = async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    const signal = AbortSignal.timeout(this.o.timeoutMs);
    for (let hop = 0; hop < 5; hop++) {
      const headers = new Headers(init?.headers);
      headers.delete('authorization');
      const token = this.o.token();
      if (token && url.origin === this.origin) headers.set('Authorization', `Bearer ${token}`);
      const res = await fetch(url, { ...init, headers, signal, redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      await res.body?.cancel();
      url = new URL(location, url);
    }
    throw new AppError('NETWORK', `The Hub at ${this.hubUrl} redirected too many times.`);
  };

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.toAppError(error, what);
    }
  }

  private parse<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.infer<S> {
    const r = schema.safeParse(value);
    if (!r.success) {
      throw new AppError('NETWORK', `The Hub at ${this.hubUrl} answered the request to ${what} with data Hearth does not understand.`);
    }
    return r.data;
  }

  /** A failure said for a person: what was asked, of which Hub, and what went wrong. */
  private toAppError(error: unknown, what: string): AppError {
    if (error instanceof AppError) return error;
    if (error instanceof HubApiError) {
      const notFound = error.statusCode === 404 || /not found/i.test(error.message);
      if (notFound)
        return new AppError('NOT_FOUND', `Could not ${what}: the Hub has no such repository, revision or file (or it is private).`);
      if (error.statusCode === 401 || error.statusCode === 403) {
        return new AppError(
          'FORBIDDEN',
          `Could not ${what}: the Hub refused access (status ${error.statusCode}). A gated or private repository needs a Hugging Face token with access to it.`,
        );
      }
      return new AppError('NETWORK', `Could not ${what}: the Hub at ${this.hubUrl} answered with status ${error.statusCode}.`);
    }
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return new AppError('NETWORK', `Could not ${what}: the Hub at ${this.hubUrl} did not answer within ${seconds(this.o.timeoutMs)}.`);
    }
    if (error instanceof SyntaxError) {
      return new AppError('NETWORK', `Could not ${what}: the Hub at ${this.hubUrl} answered with something that is not JSON.`);
    }
    if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why =
        typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : 'the connection failed';
      return new AppError('NETWORK', `Could not ${what}: the Hub at ${this.hubUrl} could not be reached (${why}).`);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new AppError('NETWORK', `Could not ${what}: the Hub at ${this.hubUrl} gave an answer Hearth does not understand (${message}).`);
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export function checkRepo(repo: string): void {
  if (!REPO_ID.test(repo)) throw new AppError('BAD_INPUT', `"${repo}" is not a Hub repository id (owner/name).`);
}

function checkRevision(revision: string): void {
  if (!REVISION.test(revision)) throw new AppError('BAD_INPUT', `"${revision}" is not a revision (a branch, tag or commit).`);
}

function toRepoInfo(e: z.infer<typeof ModelEntry>): RepoInfo {
  const licenceTag = e.tags?.find((t) => t.startsWith('license:'))?.slice('license:'.length);
  const cardLicence = Array.isArray(e.cardData?.license) ? e.cardData.license[0] : e.cardData?.license;
  const updated = e.updatedAt && !Number.isNaN(e.updatedAt.getTime()) ? e.updatedAt.toISOString() : null;
  return {
    repo: e.name,
    author: e.author ?? e.name.split('/')[0] ?? '',
    sha: e.sha ? e.sha.toLowerCase() : null,
    downloads: Math.round(e.downloads ?? 0),
    likes: Math.round(e.likes ?? 0),
    updatedAt: updated,
    gated: e.gated !== false && e.gated != null,
    pipelineTag: e.task ?? null,
    tags: e.tags ?? [],
    license: cardLicence ?? licenceTag ?? null,
    licenseName: e.cardData?.license_name ?? null,
    licenseLink: e.cardData?.license_link ?? null,
  };
}
