/**
 * `npm run bench`: tokens per second on the same prompt, seed and token count, one thread, for the 28M and
 * 1M tiny models, along five paths (bench/paths.mts):
 *   (a) raw node-llama-cpp chat session in this process (the baseline),
 *   (b) Hearth's inference process + chat service (send -> chat:end),
 *   (c) a WebSocket client of `npm run serve` (send -> chat:end frame),
 *   (d) Hearth's page in Chromium: send click -> the last token painted in the DOM,
 *   (e) the control for (d): a ten-line page in the same browser appending the same deltas.
 * All paths are set up first and then run in interleaved rounds (a, b, c, d, e, a, b, ...), so drift in this
 * machine's speed touches every path alike. Reports medians and each path's ratio to (a); writes RESULTS.md.
 * Everything runs twice: with the cores shared as the OS schedules them, and with generation isolated on its
 * own core (bench/cpus.mts).
 * Env: BENCH_RUNS (measured rounds), BENCH_SIZES (e.g. "1m"), BENCH_PLACEMENT ("shared" or "isolated": only
 * that one), BENCH_PATHS (e.g. "ad": only those, medians printed, nothing written), BENCH_NO_WRITE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ROOT, tempDir } from '../test/helpers/fixtures';
import { startServe } from '../test/helpers/headlessProcess';
import { writeTinyModel, type TinyModelSize } from '../electron/lib/tinyModel';
import { canIsolate, chromiumCpuSeconds, placeServer, usePlacement, type Placement } from './cpus.mjs';
import {
  barePagePath,
  browserPath,
  PROMPT,
  rawPath,
  SEED,
  servicePath,
  SETTINGS,
  socket,
  SYSTEM,
  websocketPath,
  type Path,
  type PathKey,
} from './paths.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WARMUP = 3;
// The 1M model's rate falls as its answer grows (attention over the context outweighs its tiny matrices), so
// both run 512 tokens: the 1M model then streams at the highest rate this machine reaches.
const TOKENS: Record<TinyModelSize, number> = { '28m': 512, '1m': 512, '310m': 128 };
const SIZES = (process.env.BENCH_SIZES ?? '28m,1m').split(',') as TinyModelSize[];
const ONLY = process.env.BENCH_PATHS;

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
};

async function benchSize(size: TinyModelSize, dir: string, placement: Placement): Promise<string> {
  const tokens = TOKENS[size];
  const modelsDir = join(dir, `models-${size}`);
  mkdirSync(modelsDir, { recursive: true });
  const model = writeTinyModel(join(modelsDir, `bench-${size}.gguf`), { size, favor: 'the' });
  console.log(`\n${size} model, ${tokens} tokens, 1 thread, cores ${placement}, ${WARMUP} warm-up and ${RUNS} measured rounds:`);
  // (c), (d) and (e) each get their own server, as users on separate machines would: a page would otherwise
  // receive the other paths' events too and wake Chromium during them.
  const serve = (name: string) =>
    startServe([
      '--port',
      '0',
      '--data-dir',
      join(dir, `${name}-${size}-${placement}`),
      '--models-dir',
      modelsDir,
      '--threads',
      '1',
      '--gpu',
      'off',
    ]);
  const servers = [await serve('serve-c'), await serve('serve-d'), await serve('serve-e')];
  const paths: Path[] = [];
  const overheads: number[] = [];
  try {
    const sockets = [];
    for (const server of servers) {
      const s = await socket(server.port, server.token);
      await s.call('settings:update', { ...SETTINGS, maxTokens: tokens });
      await s.call('models:load', { path: model });
      placeServer(server.child.pid!);
      sockets.push(s);
    }
    sockets[1]!.ws.close();
    sockets[2]!.ws.close();
    paths.push(await rawPath(model, tokens));
    paths.push(await servicePath(model, modelsDir, join(dir, `svc-${size}-${placement}`), tokens, overheads));
    paths.push(websocketPath(sockets[0]!, tokens));
    paths.push(await browserPath(servers[1]!.url, tokens));
    paths.push(await barePagePath(servers[2]!.port, servers[2]!.token, tokens));
    if (ONLY) paths.splice(0, paths.length, ...paths.filter((p) => ONLY.includes(p.key)));
    const rates = new Map<PathKey, number[]>(paths.map((p) => [p.key, []]));
    let paintCpu = 0;
    let paintWall = 0;
    for (let round = 0; round < WARMUP + RUNS; round++) {
      for (const p of paths) {
        const cpu0 = p.key === 'd' ? chromiumCpuSeconds() : 0;
        const t0 = performance.now();
        const rate = await p.once();
        if (!Number.isFinite(rate)) throw new Error(`(${p.key}) did not produce ${tokens} tokens`);
        if (round < WARMUP) continue;
        rates.get(p.key)!.push(rate);
        if (p.key === 'd') {
          paintCpu += chromiumCpuSeconds() - cpu0;
          paintWall += (performance.now() - t0) / 1000;
        }
      }
    }
    const m = Object.fromEntries([...rates].map(([k, v]) => [k, median(v)])) as Record<PathKey, number>;
    if (ONLY) {
      console.log(m);
      return '';
    }
    for (const p of paths)
      console.log(
        `  (${p.key}) ${p.label}: ${m[p.key].toFixed(1)} tok/s (${rates
          .get(p.key)!
          .map((r) => r.toFixed(0))
          .join(', ')})`,
      );
    const share = paintCpu / paintWall;
    const overhead = median(overheads.slice(-RUNS));
    console.log(
      `  Chromium used ${(share * 100).toFixed(0)}% of a core during (d) runs; Hearth's own time per answer in (b): ${overhead.toFixed(1)} ms`,
    );
    const r = (x: number): string => `${x.toFixed(1)} (${(x / m.a).toFixed(3)})`;
    return `| ${size} | ${tokens} | ${m.a.toFixed(1)} | ${r(m.b)} | ${r(m.c)} | ${r(m.d)} | ${r(m.e)} | ${(m.d / m.e).toFixed(3)} | ${overhead.toFixed(1)} ms | ${(share * 100).toFixed(0)}% |`;
  } finally {
    for (const p of paths.reverse()) await p.close().catch(() => undefined);
    for (const server of servers) await server.stop();
  }
}

const HEADER = [
  '| model | tokens | (a) raw tok/s | (b) service tok/s (ratio) | (c) WebSocket tok/s (ratio) | (d) Hearth page tok/s (ratio) | (e) bare page tok/s (ratio) | (d)/(e) | Hearth overhead per answer (b) | Chromium CPU during (d) |',
  '|---|---|---|---|---|---|---|---|---|---|',
];

const TITLES: Record<Placement, string> = {
  isolated:
    "Generation on its own core (the benchmark's (a) and (b), and each server's inference process, on CPU 0; the servers' main processes and Chromium on the other cores)",
  shared: 'Cores shared (every process wherever the OS schedules it)',
};

async function main(): Promise<void> {
  const wanted = process.env.BENCH_PLACEMENT as Placement | undefined;
  const placements: Placement[] = wanted ? [wanted] : canIsolate() ? ['isolated', 'shared'] : ['shared'];
  const t = tempDir('hearth-bench-');
  const tables: string[] = [];
  try {
    for (const placement of placements) {
      usePlacement(placement);
      const rows: string[] = [];
      for (const size of SIZES) rows.push(await benchSize(size, t.dir, placement));
      tables.push(`## ${TITLES[placement]}\n\n${[...HEADER, ...rows].join('\n')}`);
      console.log(`\n${tables.at(-1)}`);
    }
  } finally {
    t.cleanup();
  }
  if (process.env.BENCH_NO_WRITE || ONLY) return;
  writeFileSync(
    join(ROOT, 'bench/RESULTS.md'),
    `# Benchmark results

Command: \`npm run bench\` (${new Date().toISOString().slice(0, 10)}; ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'},
Node ${process.version}, CPU only). One generation thread, greedy decoding (temperature 0, seed ${SEED}).
Prompt "${PROMPT}" with the system prompt "${SYSTEM}". The tiny models favor one token, so every run
generates exactly the stated number of tokens. The paths are set up once and then run in interleaved
rounds (${WARMUP} warm-up, ${RUNS} measured); the tables give medians and, in brackets, the ratio to (a) from the same run.

Targets (issue #2): (b) and (c) at least 0.97 of (a), (d) at least 0.95.

${tables.join('\n\n')}

Each rate counts from the request (the prompt call, the \`chat:send\` call, the WebSocket frame, the click) to the
last token arriving on that path: \`chat:end\` for (b) and (c); for (d) and (e), the last word in the DOM plus one
animation frame. (e) is the control for (d): a ten-line page in the same browser that appends the same deltas to
one text node, so (d)/(e) is what Hearth's renderer costs beyond any page. "Hearth overhead" is the wall time of
(b) minus the generation time the inference process measured itself: what persisting, IPC and batching add to one
answer. "Chromium CPU" is the browser's CPU time over the wall time of the (d) rounds. Why the ratios sit where
they do, and what was tried: \`bench/ANALYSIS.md\`.
`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
