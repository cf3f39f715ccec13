import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openDatabase } from '../../electron/db/open';
import { EventBus } from '../../electron/lib/events';
import { DownloadsService, type DownloadsOptions } from '../../electron/models/download/downloadsService';
import type { DownloadPart, HubFilesResolver, LibraryRegistrar } from '../../electron/models/ports';
import type { Download, LicenceCard } from '../../shared/models';
import { handleHubApi } from './fakeHubApi';
import type { FakeHubFile, FakeHubRepo } from './fakeHubTypes';
import { tempDir } from './fixtures';

/**
 * What can go wrong on the way from the Hub, one at a time. Faults apply to file requests (`/resolve/` on the
 * Hub, or the CDN it redirects to), never to `/api/`.
 */
export type FakeHubFault =
  /** The connection is destroyed after `afterBytes` bytes of the body. */
  | { kind: 'drop'; afterBytes: number }
  /** A Range request is answered 200 with the whole file, as a server that does not do ranges would. */
  | { kind: 'ignore-range' }
  /** One byte of the file (at `offset`, default the middle) is sent inverted. */
  | { kind: 'flip-byte'; offset?: number }
  /** A captive portal or a proxy's error page: HTML with status 200. */
  | { kind: 'html-error' }
  /** resolve answers 302 to the second server, which serves the bytes (as the Hub's CDN does). */
  | { kind: 'redirect' }
  /** Headers and `afterBytes` bytes of the body, then nothing, with the connection left open. */
  | { kind: 'stall'; afterBytes: number }
  /** The body at `bytesPerSecond`. */
  | { kind: 'throttle'; bytesPerSecond: number };

export interface FakeHubRequest {
  /** Which server answered: the Hub itself, or the CDN a redirect sends to. */
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  /** The Range header, or null. */
  range: string | null;
  /** The Authorization header, or null. */
  authorization: string | null;
  /** 0 until the answer's headers are sent. */
  status: number;
}

export interface FakeHub {
  /** The Hub's address, for `hubUrl` or HF_ENDPOINT (no trailing slash). */
  url: string;
  /** The CDN's address (where `redirect` sends). */
  cdnUrl: string;
  requests: FakeHubRequest[];
  /**
   * Applies `fault` to the next `times` file requests (default: every one from now on); null clears every fault.
   * `redirect` is held apart from the others, so a redirect and a fault on the CDN's answer can be set together.
   */
  setFault(fault: FakeHubFault | null, times?: number): void;
  close(): Promise<void>;
}

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Something went wrong</h1></body></html>\n';

interface Served {
  repo: FakeHubRepo;
  file: FakeHubFile;
}

/** The Hub's `bytes=a-b` / `bytes=a-` / `bytes=-n`, as [start, end] inclusive; null for none; 'bad' when unsatisfiable. */
function parseRange(header: string | undefined, size: number): [number, number] | null | 'bad' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 ? 'bad' : [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'bad' : [start, end];
}

/** A real HTTP server on 127.0.0.1 that serves `repos` as the Hugging Face Hub does, with a CDN beside it. */
export async function startFakeHub({ repos }: { repos: FakeHubRepo[] }): Promise<FakeHub> {
  const requests: FakeHubRequest[] = [];
  type Slot = { fault: FakeHubFault; left: number } | null;
  const slots: { redirect: Slot; bytes: Slot } = { redirect: null, bytes: null };
  const timers = new Set<NodeJS.Timeout>();

  /** The fault for this request from one slot, counted against its `times`. */
  const take = (slot: keyof typeof slots): FakeHubFault | null => {
    const s = slots[slot];
    if (!s) return null;
    if (--s.left <= 0) slots[slot] = null;
    return s.fault;
  };

  const log = (server: FakeHubRequest['server'], req: IncomingMessage, res: ServerResponse): void => {
    const entry: FakeHubRequest = {
      server,
      method: req.method ?? '',
      path: req.url ?? '',
      range: req.headers.range ?? null,
      authorization: req.headers.authorization ?? null,
      status: 0,
    };
    requests.push(entry);
    const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
    res.writeHead = ((...a: unknown[]) => {
      entry.status = Number(a[0]);
      return writeHead(...a);
    }) as typeof res.writeHead;
  };

  const notFound = (res: ServerResponse, code: string, message: string): void => {
    res.writeHead(404, { 'Content-Type': 'application/json', 'X-Error-Code': code });
    res.end(JSON.stringify({ error: message }));
  };

  /** Sends `body` as the fault says: whole, throttled, dropped or stalled part way. */
  const sendBody = (res: ServerResponse, body: Buffer, f: FakeHubFault | null): void => {
    if (f?.kind === 'drop' || f?.kind === 'stall') {
      const head = body.subarray(0, Math.min(f.afterBytes, body.length));
      res.write(head, () => {
        // A drop closes the connection once the bytes are out (a FIN, so they all arrive: a reset could discard
        // some on the way and the resume point would vary); a stall leaves it open until the client gives up.
        if (f.kind === 'drop') res.socket?.end();
      });
      return;
    }
    if (f?.kind === 'throttle') {
      const slice = Math.max(1, Math.floor(f.bytesPerSecond / 20));
      let at = 0;
      const tick = (): void => {
        if (res.destroyed) return;
        const chunk = body.subarray(at, at + slice);
        at += chunk.length;
        if (at >= body.length) return void res.end(chunk);
        res.write(chunk);
        const t = setTimeout(() => {
          timers.delete(t);
          tick();
        }, 50);
        timers.add(t);
      };
      return tick();
    }
    res.end(body);
  };

  /** Answers GET or HEAD for one file, with Range; the fault shapes the answer. */
  const serveFile = (
    req: IncomingMessage,
    res: ServerResponse,
    { repo, file }: Served,
    f: FakeHubFault | null,
    withRepoHeaders: boolean,
  ): void => {
    const size = file.bytes.length;
    const sha = file.sha256 ?? sha256Of(file.bytes);
    const common: Record<string, string> = { 'Accept-Ranges': 'bytes', ETag: `"${sha}"` };
    if (withRepoHeaders) common['X-Repo-Commit'] = repo.sha;
    if (f?.kind === 'html-error') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(HTML_PAGE)) });
      return void res.end(req.method === 'HEAD' ? undefined : HTML_PAGE);
    }
    let bytes = file.bytes;
    if (f?.kind === 'flip-byte') {
      bytes = Buffer.from(file.bytes);
      const at = f.offset ?? Math.floor(size / 2);
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    }
    const range = f?.kind === 'ignore-range' ? null : parseRange(req.headers.range, size);
    if (range === 'bad') {
      res.writeHead(416, { ...common, 'Content-Range': `bytes */${size}` });
      return void res.end();
    }
    const [start, end] = range ?? [0, size - 1];
    const headers = { ...common, 'Content-Type': 'application/octet-stream', 'Content-Length': String(end - start + 1) };
    if (range) res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` });
    else res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    sendBody(res, bytes.subarray(start, end + 1), f);
  };

  const findFile = (owner: string, name: string, path: string): Served | null => {
    const repo = repos.find((r) => r.id === `${owner}/${name}`);
    const file = repo?.files.find((x) => x.path === path);
    return repo && file ? { repo, file } : null;
  };

  const cdn = createServer((req, res) => {
    log('cdn', req, res);
    // /{owner}/{name}/{sha}/{path}?signature=...: a signed, commit-pinned address as the Hub's CDN gives.
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/([^/]+)\/([^/]+)\/([0-9a-f]{40})\/(.+)$/.exec(url.pathname);
    const served = m ? findFile(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[4]!)) : null;
    if (!served || served.repo.sha !== m![3] || url.searchParams.get('signature') !== 'fake') {
      return notFound(res, 'EntryNotFound', 'No such object.');
    }
    serveFile(req, res, served, take('bytes'), false);
  });

  let baseUrl = '';
  let cdnUrl = '';
  const hub = createServer((req, res) => {
    log('hub', req, res);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/api/')) {
      if (!handleHubApi(req, res, { repos, baseUrl })) notFound(res, 'NotFound', 'Not found.');
      return;
    }
    const m = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return notFound(res, 'NotFound', 'Not found.');
    const [owner, name, revision, path] = [m[1]!, m[2]!, decodeURIComponent(m[3]!), decodeURIComponent(m[4]!)];
    const repo = repos.find((r) => r.id === `${owner}/${name}`);
    if (!repo) return notFound(res, 'RepoNotFound', 'Repository not found.');
    if (revision !== 'main' && revision !== repo.sha) return notFound(res, 'RevisionNotFound', 'Invalid rev id.');
    const served = findFile(owner, name, path);
    if (!served) return notFound(res, 'EntryNotFound', 'Entry not found.');
    if (take('redirect')) {
      const sha = served.file.sha256 ?? sha256Of(served.file.bytes);
      res.writeHead(302, {
        Location: `${cdnUrl}/${owner}/${name}/${repo.sha}/${m[4]}?signature=fake`,
        'X-Repo-Commit': repo.sha,
        'X-Linked-Size': String(served.file.bytes.length),
        'X-Linked-Etag': `"${sha}"`,
      });
      return void res.end();
    }
    serveFile(req, res, served, take('bytes'), true);
  });

  const listen = (s: Server): Promise<string> =>
    new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
  baseUrl = await listen(hub);
  cdnUrl = await listen(cdn);

  return {
    url: baseUrl,
    cdnUrl,
    requests,
    setFault(f, times = Number.POSITIVE_INFINITY) {
      if (!f) {
        slots.redirect = null;
        slots.bytes = null;
      } else slots[f.kind === 'redirect' ? 'redirect' : 'bytes'] = { fault: f, left: times };
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(
        [hub, cdn].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              // A stalled answer keeps its socket open on purpose; closing the test must not wait for it.
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

const SPLIT = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/;

/**
 * A HubFilesResolver over the fake Hub's repositories, for the downloader's tests (the real one lists the
 * repository through @huggingface/hub). A split GGUF resolves to all its parts, in order.
 */
export function fakeResolver(hubUrl: string, repos: FakeHubRepo[], license: LicenceCard): HubFilesResolver {
  return {
    resolve: async (repoId, revision, file) => {
      const repo = repos.find((r) => r.id === repoId);
      if (!repo) throw new Error(`no repo ${repoId}`);
      const split = SPLIT.exec(file);
      const paths = split
        ? Array.from({ length: Number(split[3]) }, (_, i) => `${split[1]}-${String(i + 1).padStart(5, '0')}-of-${split[3]}.gguf`)
        : [file];
      const parts: DownloadPart[] = paths.map((remotePath) => {
        const f = repo.files.find((x) => x.path === remotePath);
        return {
          remotePath,
          url: `${hubUrl}/${repoId}/resolve/${encodeURIComponent(revision)}/${remotePath.split('/').map(encodeURIComponent).join('/')}`,
          sha256: f ? (f.sha256 ?? sha256Of(f.bytes)) : null,
          sizeBytes: f?.bytes.length ?? 0,
        };
      });
      return { parts, license };
    },
  };
}

export const LICENSE: LicenceCard = {
  id: 'apache-2.0',
  name: 'Apache License 2.0',
  category: 'permissive',
  commercialUse: true,
  conditions: ['Keep the licence and notices.'],
  url: 'https://www.apache.org/licenses/LICENSE-2.0',
};

export const REPO_SHA = 'a'.repeat(40);

export function repoOf(id: string, files: { path: string; bytes: Buffer; sha256?: string }[]): FakeHubRepo {
  return { id, sha: REPO_SHA, license: 'apache-2.0', files };
}

export interface Rig {
  dir: string;
  modelsDir: string;
  dbPath: string;
  hub: FakeHub;
  service: DownloadsService;
  events: EventBus;
  /** Every progress event, in order. */
  progress: Download[];
  registered: Parameters<LibraryRegistrar['registerDownload']>[0][];
  modelsChanged: number;
  /**
   * Broken promises: a final file seen at a progress event before its download was verifying (the hash had
   * matched), or registered with bytes that do not hash to the Hub's SHA-256.
   */
  violations: string[];
  /** Resolves with the download once a progress event shows it in one of `statuses`. */
  until(id: string, statuses: Download['status'][]): Promise<Download>;
  /** Resolves with the first progress event (from now) that `test` accepts. */
  when(test: (d: Download) => boolean): Promise<Download>;
  /** A new service on the same database and folders, as after a restart (the old one is disposed first). */
  restart(over?: Partial<DownloadsOptions>): Promise<DownloadsService>;
  close(): Promise<void>;
}

/** A DownloadsService on real SQLite and a real folder, fed by a fake Hub, with the promises it keeps checked. */
export async function startRig(
  repos: FakeHubRepo[],
  over: Partial<DownloadsOptions> & { resolver?: (hubUrl: string) => HubFilesResolver } = {},
): Promise<Rig> {
  const t = tempDir('hearth-dl-');
  const hub = await startFakeHub({ repos });
  const dbPath = join(t.dir, 'hearth.db');
  let db = openDatabase(dbPath).db;
  const events = new EventBus();
  const { resolver, ...options } = over;
  const rig: Omit<Rig, 'service' | 'until' | 'when' | 'restart' | 'close'> & { service: DownloadsService | null } = {
    dir: t.dir,
    modelsDir: join(t.dir, 'models'),
    dbPath,
    hub,
    service: null,
    events,
    progress: [],
    registered: [],
    modelsChanged: 0,
    violations: [],
  };
  const hashes = new Map(
    repos.flatMap((r) =>
      r.files.map((f) => [join(rig.modelsDir, ...r.id.split('/'), ...f.path.split('/')), f.sha256 ?? sha256Of(f.bytes)]),
    ),
  );
  const waiters = new Set<(d: Download | null) => void>();
  events.subscribe((event, payload) => {
    if (event === 'models:changed') rig.modelsChanged++;
    if (event !== 'downloads:progress') return;
    const d = payload as Download;
    rig.progress.push(d);
    if (d.status !== 'verifying' && d.status !== 'done') {
      for (const path of hashes.keys()) {
        if (path.startsWith(join(rig.modelsDir, ...d.repo.split('/'))) && existsSync(path)) {
          rig.violations.push(`${path} existed while the download was ${d.status}`);
        }
      }
    }
    for (const w of waiters) w(d);
  });
  const make = (o: Partial<DownloadsOptions>): DownloadsService =>
    new DownloadsService({
      db,
      events,
      hub: resolver ? resolver(hub.url) : fakeResolver(hub.url, repos, LICENSE),
      library: {
        registerDownload: (r) => {
          rig.registered.push(r);
          const got = sha256Of(readFileSync(r.path));
          if (got !== hashes.get(r.path)) rig.violations.push(`${r.path} was registered with SHA-256 ${got}`);
        },
      },
      modelsDir: () => rig.modelsDir,
      token: () => null,
      stallMs: 400,
      tries: 3,
      backoffMs: 10,
      progressMs: 50,
      ...options,
      ...o,
    });
  rig.service = make({});
  rig.service.start();
  const until = (id: string, statuses: Download['status'][]): Promise<Download> =>
    new Promise((resolve) => {
      const check = (): void => {
        const d = rig.service!.list().find((x) => x.id === id);
        if (!d || !statuses.includes(d.status)) return;
        waiters.delete(check);
        resolve(d);
      };
      waiters.add(check);
      check();
    });
  const when = (test: (d: Download) => boolean): Promise<Download> =>
    new Promise((resolve) => {
      const check = (d: Download | null): void => {
        if (!d || !test(d)) return;
        waiters.delete(check);
        resolve(d);
      };
      waiters.add(check);
    });
  let closed = false;
  return Object.assign(rig as Rig, {
    until,
    when,
    restart: async (o: Partial<DownloadsOptions> = {}) => {
      await rig.service!.dispose();
      db.close();
      db = openDatabase(dbPath).db;
      rig.service = make(o);
      rig.service.start();
      return rig.service;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await rig.service!.dispose();
      db.close();
      await hub.close();
      t.cleanup();
    },
  });
}
