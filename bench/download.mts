/**
 * `npm run bench:download`: download throughput from a local fake Hub (test/helpers/fakeHub.ts) through Hearth's
 * downloader (DownloadsService: Range request, SHA-256 of every byte, fsync, rename; enqueue -> `done`) against
 * `curl -s -o` of the same file from the same server, in alternating runs; the median of each and their ratio
 * (target at least 0.9). The server runs in a child process of its own, so neither side shares an event loop with it.
 * Env: DOWNLOAD_MB (256), DOWNLOAD_RUNS (5), BENCH_NO_WRITE.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../electron/db/open';
import { EventBus } from '../electron/lib/events';
import { DownloadsService } from '../electron/models/download/downloadsService';
import type { Download, LicenceCard } from '../shared/models';
import { sha256Of, startFakeHub } from '../test/helpers/fakeHub';
import { ROOT, tempDir } from '../test/helpers/fixtures';

const MB = Number(process.env.DOWNLOAD_MB ?? 256);
const RUNS = Number(process.env.DOWNLOAD_RUNS ?? 5);
const REPO = 'bench/big-GGUF';
const FILE = 'big-Q4_K_M.gguf';
const SHA = 'b'.repeat(40);
const LICENSE: LicenceCard = {
  id: 'apache-2.0',
  name: 'Apache License 2.0',
  category: 'permissive',
  commercialUse: true,
  conditions: [],
  url: null,
};

interface Served {
  url: string;
  sha256: string;
  size: number;
}

/** The child: holds the file in memory and serves it as the Hub does until it is killed. */
async function serve(): Promise<void> {
  const bytes = randomBytes(MB * 1024 * 1024);
  const hub = await startFakeHub({ repos: [{ id: REPO, sha: SHA, files: [{ path: FILE, bytes }] }] });
  process.send!({ url: `${hub.url}/${REPO}/resolve/${SHA}/${FILE}`, sha256: sha256Of(bytes), size: bytes.length } satisfies Served);
}

function startServer(): Promise<{ child: ChildProcess; served: Served }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: process.execArgv, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, served: m as Served }));
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Run {
  ms: number;
  /** CPU time (user + system, every thread) the side spent on the run; null where it could not be read. */
  cpuMs: number | null;
}

/** curl under /usr/bin/time where there is one, for its CPU time; its wall time either way. */
async function curl(url: string, dest: string): Promise<Run> {
  const timed = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const child = timed
    ? spawn('/usr/bin/time', ['-f', '%U %S', 'curl', '-s', '-o', dest, url], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('curl', ['-s', '-o', dest, url], { stdio: 'ignore' });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`curl exited ${code}: ${err}`);
  const m = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(err);
  return { ms, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : null };
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One download through a fresh DownloadsService, from enqueue to the `done` event, hash check included. */
async function hearth(served: Served, dir: string): Promise<Run> {
  const { db } = openDatabase(join(dir, 'hearth.db'));
  const events = new EventBus();
  const service = new DownloadsService({
    db,
    events,
    hub: {
      resolve: async () => ({
        parts: [{ remotePath: FILE, url: served.url, sha256: served.sha256, sizeBytes: served.size }],
        license: LICENSE,
      }),
    },
    library: { registerDownload: () => undefined },
    modelsDir: () => join(dir, 'models'),
    token: () => null,
  });
  service.start();
  try {
    const t0 = performance.now();
    const c0 = cpuNow();
    const ended = new Promise<Download>((resolve) =>
      events.subscribe((event, d) => {
        if (event === 'downloads:progress' && ['done', 'failed'].includes((d as Download).status)) resolve(d as Download);
      }),
    );
    await service.enqueue(REPO, SHA, FILE);
    const d = await ended;
    const ms = performance.now() - t0;
    const cpuMs = cpuNow() - c0;
    if (d.status !== 'done') throw new Error(`the download failed: ${d.error}`);
    return { ms, cpuMs };
  } finally {
    await service.dispose();
    db.close();
  }
}

/** CPU milliseconds SHA-256 alone takes over `bytes`, in 64 KB chunks as they come off a socket. */
function hashCpuMs(bytes: number): number {
  const chunk = randomBytes(64 * 1024);
  const c0 = cpuNow();
  const h = createHash('sha256');
  for (let n = 0; n < bytes; n += chunk.length) h.update(chunk);
  h.digest();
  return cpuNow() - c0;
}

/** What the CPU columns say about the ratio, in numbers from this run. */
function cpuNote(runs: { hearth: Run[]; curl: Run[] }, hashMs: number): string {
  if (!runs.curl.every((r) => r.cpuMs !== null)) return '';
  const curlCpu = median(runs.curl.map((r) => r.cpuMs!));
  const hearthCpu = median(runs.hearth.map((r) => r.cpuMs!));
  const wall = median(runs.hearth.map((r) => r.ms));
  return (
    `\nHearth's side used ${(hearthCpu / curlCpu).toFixed(1)}x curl's CPU time, and SHA-256 alone is ${((hashMs / curlCpu) * 100).toFixed(0)}% of curl's. ` +
    `Its CPU time was ${((hearthCpu / wall) * 100).toFixed(0)}% of its wall time over ${cpus().length} cores shared with the server (and whatever else ran): ` +
    'where the cores are busy, the ratio is bounded by the ratio of CPU times, and hashing every byte costs what it costs. ' +
    'The hashing and writing run on a worker thread (electron/models/download/partSink.ts), so with a free core they overlap with receiving; ' +
    'writeback is pushed along every 64 MB, so the fsync before the rename has little left.\n'
  );
}

async function main(): Promise<void> {
  const { child, served } = await startServer();
  const t = tempDir('hearth-bench-dl-');
  const rate = (ms: number): number => served.size / 1e6 / (ms / 1000);
  const runs = { hearth: [] as Run[], curl: [] as Run[] };
  try {
    // One of each first, unmeasured: the server's and the page cache's first touch.
    for (let round = -1; round < RUNS; round++) {
      const order = round % 2 === 0 ? (['hearth', 'curl'] as const) : (['curl', 'hearth'] as const);
      for (const which of order) {
        const dir = join(t.dir, `${which}-${round + 1}`);
        const run = which === 'curl' ? await curl(served.url, `${dir}.gguf`) : await hearth(served, dir);
        const file = which === 'curl' ? `${dir}.gguf` : join(dir, 'models', ...REPO.split('/'), FILE);
        if (statSync(file).size !== served.size) throw new Error(`${which} wrote a file of the wrong size`);
        if (which === 'curl' && round === -1 && sha256Of(readFileSync(file)) !== served.sha256) throw new Error('curl got other bytes');
        rmSync(which === 'curl' ? file : dir, { recursive: true, force: true });
        if (round >= 0) runs[which].push(run);
        const cpu = run.cpuMs === null ? '' : `, ${run.cpuMs.toFixed(0)} ms CPU`;
        console.log(
          `${round < 0 ? 'warm-up' : `run ${round + 1}`} ${which}: ${rate(run.ms).toFixed(0)} MB/s (${run.ms.toFixed(0)} ms${cpu})`,
        );
      }
    }
  } finally {
    child.kill();
    t.cleanup();
  }
  const wall = (xs: Run[]): number => median(xs.map((r) => r.ms));
  const cpu = (xs: Run[]): string => (xs.every((r) => r.cpuMs !== null) ? `${median(xs.map((r) => r.cpuMs!)).toFixed(0)} ms` : 'n/a');
  const h = rate(wall(runs.hearth));
  const c = rate(wall(runs.curl));
  const ratio = h / c;
  const hashMs = hashCpuMs(served.size);
  const load = loadavg()[0]!.toFixed(1);
  const line = `| ${(served.size / 1024 / 1024).toFixed(0)} MiB | ${RUNS} | ${c.toFixed(0)} MB/s (${wall(runs.curl).toFixed(0)} ms) | ${h.toFixed(0)} MB/s (${wall(runs.hearth).toFixed(0)} ms) | **${ratio.toFixed(3)}** | ${cpu(runs.curl)} | ${cpu(runs.hearth)} | ${hashMs.toFixed(0)} ms |`;
  console.log(
    `curl ${c.toFixed(0)} MB/s, Hearth ${h.toFixed(0)} MB/s: ratio ${ratio.toFixed(3)} (target at least 0.9); CPU curl ${cpu(runs.curl)}, Hearth ${cpu(runs.hearth)}, SHA-256 alone ${hashMs.toFixed(0)} ms; load ${load}`,
  );
  if (process.env.BENCH_NO_WRITE) return;
  const file = join(ROOT, 'bench/RESULTS.md');
  const block = `<!-- download:start -->
## Downloads (issue 8)

Command: \`npm run bench:download\` (${new Date().toISOString().slice(0, 10)}; ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average ${load} when it ended). A file of random bytes from the fake Hub (test/helpers/fakeHub.ts, in a process of its own on 127.0.0.1), fetched by Hearth's downloader (\`DownloadsService\`: from the enqueue to the \`done\` event, so the SHA-256 of every byte, the writes, the fsync and the rename are inside the time) and by \`curl -s -o\` into the same folder, alternating which goes first; medians of ${RUNS} runs after one unmeasured run of each. Target: Hearth at least 0.9 of curl. CPU is user + system time of every thread of each side (curl's from /usr/bin/time); the last column is what SHA-256 alone costs over the same bytes on this CPU.

| file | runs | curl | Hearth | Hearth / curl | curl CPU | Hearth CPU | SHA-256 alone |
|---|---|---|---|---|---|---|---|
${line}
${cpuNote(runs, hashMs)}
<!-- download:end -->`;
  const old = readFileSync(file, 'utf8');
  const next = /<!-- download:start -->[\s\S]*<!-- download:end -->/.test(old)
    ? old.replace(/<!-- download:start -->[\s\S]*<!-- download:end -->/, block)
    : `${old.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

if (process.argv.includes('--serve')) {
  void serve();
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
