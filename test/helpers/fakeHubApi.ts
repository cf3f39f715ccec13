import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeHubFile, FakeHubRepo, HubApiHandler } from './fakeHubTypes';

/**
 * The Hub's JSON API for the fake Hub, in the shapes huggingface.co answers and @huggingface/hub 2.17.5 parses:
 * - `GET /api/models?search=&author=&filter=&pipeline_tag=&sort=&limit=&expand=`: search (listModels);
 * - `GET /api/models/{owner}/{name}[/revision/{rev}]?expand=`: model info (modelInfo asks with a revision);
 * - `GET /api/models/{owner}/{name}/tree/{rev}[/{path}]?recursive=&expand=`: the file tree with LFS hashes
 *   (listFiles), in pages joined by a `Link: <...>; rel="next"` header as the Hub does.
 * Like the Hub, `expand` narrows an answer to `_id`, `id` and the expanded keys; a missing repository is a 401 with
 * `X-Error-Code: RepoNotFound` (the Hub does not say whether a private one exists).
 */
export const handleHubApi: HubApiHandler = (req, res, { repos, baseUrl }) => {
  const url = new URL(req.url ?? '/', 'http://fake.hub');
  if (!url.pathname.startsWith('/api/models')) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, 'MethodNotAllowed', 'Method not allowed');
    return true;
  }
  if (url.pathname === '/api/models' || url.pathname === '/api/models/') {
    searchModels(res, url, repos, baseUrl);
    return true;
  }
  const m = /^\/api\/models\/([^/]+)\/([^/]+)(?:\/(revision|tree)\/([^/]+)(\/.*)?)?$/.exec(url.pathname);
  if (!m) return false;
  const [, owner = '', name = '', route, rawRev, rawPath] = m;
  const repo = repos.find((r) => r.id === `${decodeURIComponent(owner)}/${decodeURIComponent(name)}`);
  if (!repo) {
    sendError(res, 401, 'RepoNotFound', 'Repository not found');
    return true;
  }
  const revision = rawRev === undefined ? 'main' : decodeURIComponent(rawRev);
  if (!revisionMatches(repo, revision)) {
    sendError(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    return true;
  }
  if (route === 'tree') {
    const path = rawPath ? decodeURIComponent(rawPath.slice(1)).replace(/\/+$/, '') : '';
    listTree(res, url, repo, revision, path, baseUrl);
    return true;
  }
  if (rawPath) return false;
  sendJson(res, 200, narrow(modelInfo(repo), url));
  return true;
};

/** Entries per page of a tree listing: small, so tests with a few dozen files cross a page boundary. */
export const TREE_PAGE_SIZE = 50;

/** The tags the Hub derives for a repository: its own, `gguf` when it holds GGUF files, and `license:<id>`. */
export function repoTags(repo: FakeHubRepo): string[] {
  const tags = new Set(repo.tags ?? (repo.files.some((f) => f.path.endsWith('.gguf')) ? ['gguf'] : []));
  if (repo.pipelineTag) tags.add(repo.pipelineTag);
  if (repo.license) tags.add(`license:${repo.license}`);
  return [...tags];
}

/** The SHA-256 the tree reports for a file: the test's lie if it set one, else the bytes' own. */
export function fileSha256(file: FakeHubFile): string {
  return file.sha256 ?? createHash('sha256').update(file.bytes).digest('hex');
}

function revisionMatches(repo: FakeHubRepo, revision: string): boolean {
  return revision === 'main' || revision === 'HEAD' || revision === repo.sha;
}

function modelInfo(repo: FakeHubRepo): Record<string, unknown> {
  const [author = ''] = repo.id.split('/');
  const lastModified = repo.lastModified ?? '2025-01-01T00:00:00.000Z';
  return {
    _id: createHash('sha1').update(repo.id).digest('hex').slice(0, 24),
    id: repo.id,
    modelId: repo.id,
    author,
    sha: repo.sha,
    lastModified,
    createdAt: lastModified,
    private: false,
    disabled: false,
    gated: repo.gated ? 'manual' : false,
    downloads: repo.downloads ?? 0,
    likes: repo.likes ?? 0,
    tags: repoTags(repo),
    pipeline_tag: repo.pipelineTag ?? 'text-generation',
    library_name: 'gguf',
    cardData: { ...(repo.license ? { license: repo.license } : {}), tags: repo.tags ?? [] },
    siblings: repo.files.map((f) => ({ rfilename: f.path })),
    usedStorage: repo.files.reduce((n, f) => n + f.bytes.length, 0),
  };
}

function searchModels(res: ServerResponse, url: URL, repos: FakeHubRepo[], baseUrl: string): void {
  const q = url.searchParams;
  const search = (q.get('search') ?? '').toLowerCase();
  const author = q.get('author');
  const pipeline = q.get('pipeline_tag');
  const filters = q.getAll('filter');
  let found = repos.filter((r) => {
    const tags = repoTags(r);
    if (search && !r.id.toLowerCase().includes(search)) return false;
    if (author && r.id.split('/')[0] !== author) return false;
    if (pipeline && (r.pipelineTag ?? 'text-generation') !== pipeline) return false;
    return filters.every((f) => tags.includes(f));
  });
  const sort = q.get('sort');
  if (sort === 'downloads' || sort === 'likes') found = [...found].sort((a, b) => (b[sort] ?? 0) - (a[sort] ?? 0));
  const limit = Math.max(1, Math.min(Number(q.get('limit') ?? 1000) || 1000, 1000));
  const cursor = Number(q.get('cursor') ?? 0) || 0;
  const page = found.slice(cursor, cursor + limit);
  if (cursor + limit < found.length) {
    const next = new URL(url);
    next.searchParams.set('cursor', String(cursor + limit));
    res.setHeader('Link', `<${absolute(baseUrl, next)}>; rel="next"`);
  }
  sendJson(
    res,
    200,
    page.map((r) => narrow(modelInfo(r), url)),
  );
}

function listTree(res: ServerResponse, url: URL, repo: FakeHubRepo, revision: string, path: string, baseUrl: string): void {
  const recursive = url.searchParams.get('recursive') === 'true';
  const expand = url.searchParams.get('expand') === 'true';
  const prefix = path ? `${path}/` : '';
  if (path && repo.files.some((f) => f.path === path)) {
    sendError(res, 404, 'EntryNotFound', `${path} is a file, not a folder`);
    return;
  }
  const under = repo.files.filter((f) => f.path.startsWith(prefix));
  if (path && under.length === 0) {
    sendError(res, 404, 'EntryNotFound', `${path} does not exist on "${revision}"`);
    return;
  }
  const entries = new Map<string, Record<string, unknown>>();
  for (const file of under) {
    const rest = file.path.slice(prefix.length).split('/');
    // Folders between the listed path and the file appear as entries of their own, as the Hub lists them.
    const depth = recursive ? rest.length - 1 : Math.min(rest.length - 1, 1);
    for (let i = 1; i <= depth; i++) {
      const dir = prefix + rest.slice(0, i).join('/');
      if (!entries.has(dir)) entries.set(dir, { type: 'directory', oid: gitSha1(dir), size: 0, path: dir });
    }
    if (recursive || rest.length === 1) entries.set(file.path, treeEntry(repo, file, expand));
  }
  const all = [...entries.values()];
  const cursor = Number(url.searchParams.get('cursor') ?? 0) || 0;
  if (cursor + TREE_PAGE_SIZE < all.length) {
    const next = new URL(url);
    next.searchParams.set('cursor', String(cursor + TREE_PAGE_SIZE));
    res.setHeader('Link', `<${absolute(baseUrl, next)}>; rel="next"`);
  }
  sendJson(res, 200, all.slice(cursor, cursor + TREE_PAGE_SIZE));
}

/** A tree entry: GGUF and other weights are LFS files (the blob oid is the pointer's), small text files are not. */
function treeEntry(repo: FakeHubRepo, file: FakeHubFile, expand: boolean): Record<string, unknown> {
  const isLfs = /\.(gguf|bin|safetensors)$/.test(file.path);
  const sha256 = fileSha256(file);
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${file.bytes.length}\n`;
  return {
    type: 'file',
    oid: gitSha1(isLfs ? pointer : file.bytes),
    size: file.bytes.length,
    path: file.path,
    ...(isLfs ? { lfs: { oid: sha256, size: file.bytes.length, pointerSize: Buffer.byteLength(pointer) } } : {}),
    ...(expand
      ? {
          lastCommit: { id: repo.sha, title: 'Upload', date: repo.lastModified ?? '2025-01-01T00:00:00.000Z' },
          securityFileStatus: { status: 'safe' },
        }
      : {}),
  };
}

/** Like the Hub: with `expand`, only `_id`, `id` and the expanded keys come back. */
function narrow(info: Record<string, unknown>, url: URL): Record<string, unknown> {
  const expand = url.searchParams.getAll('expand');
  if (expand.length === 0) return info;
  return Object.fromEntries(Object.entries(info).filter(([k]) => k === '_id' || k === 'id' || expand.includes(k)));
}

function gitSha1(content: string | Buffer): string {
  const body = typeof content === 'string' ? Buffer.from(content) : content;
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

/** A next-page link on the server's own address, as the Hub gives absolute links. */
function absolute(baseUrl: string, u: URL): string {
  return `${baseUrl.replace(/\/+$/, '')}${u.pathname}${u.search}`;
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.setHeader('X-Error-Code', code);
  res.setHeader('X-Error-Message', message);
  sendJson(res, status, { error: message });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
