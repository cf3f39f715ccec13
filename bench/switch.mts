/**
 * `npm run bench:switch`: the model manager issue's switch benchmark. For each tiny model size, two files of that
 * size (A and B) are switched back and forth, in alternating order each round:
 *   - through Hearth: `models:load` through the handler table, as a click in the model picker makes it (the
 *     library's check, the scheduler's switch, and in the inference process: dispose the old model, the cached
 *     preflight, load, context and chat sequences);
 *   - raw, in this process: the context and the model disposed, `loadModel`, `createContext`, with the same
 *     context size, sequences and threads.
 * Also the preflight's header read in this process, uncached (cache cleared) against cached (a switch back to a
 * file it has seen).
 * Env: SWITCH_SIZES (1m,28m,310m), SWITCH_ROUNDS (20; 310m: 8), SWITCH_THREADS (2), SWITCH_CONTEXT (2048),
 * SWITCH_SEQUENCES (2), BENCH_NO_WRITE.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Llama, LlamaChat, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import type { Backend } from '../electron/api/backend';
import { clearPreflightCache, preflightGguf } from '../electron/inference/ggufPreflight';
import { writeTinyModel, type TinyModelSize } from '../electron/lib/tinyModel';
import { callHandler, startBackend } from '../test/helpers/backend';
import { ROOT, tempDir } from '../test/helpers/fixtures';

const SIZES = (process.env.SWITCH_SIZES ?? '1m,28m,310m').split(',') as TinyModelSize[];
const THREADS = Number(process.env.SWITCH_THREADS ?? 2);
const CONTEXT = Number(process.env.SWITCH_CONTEXT ?? 2048);
const SEQUENCES = Number(process.env.SWITCH_SEQUENCES ?? 2);
const roundsFor = (size: TinyModelSize): number => Number(process.env.SWITCH_ROUNDS ?? (size === '310m' ? 8 : 20));
const TARGET_RATIO = 1.05;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const fmt = (x: number, d = 1): string => x.toFixed(d);

/** Raw node-llama-cpp in this process: one model and its context, switched the way an app without Hearth would. */
class Raw {
  private model: LlamaModel | null = null;
  private context: LlamaContext | null = null;
  constructor(private readonly llama: Llama) {}
  /** `withChats`: also a LlamaChat on each sequence, each resolving its chat wrapper, as a chat app needs them. */
  async switchTo(path: string, withChats = false): Promise<void> {
    await this.context?.dispose();
    await this.model?.dispose();
    this.model = await this.llama.loadModel({ modelPath: path });
    this.context = await this.model.createContext({ contextSize: CONTEXT, sequences: SEQUENCES, threads: THREADS });
    if (withChats) {
      for (let i = 0; i < SEQUENCES; i++) void new LlamaChat({ contextSequence: this.context.getSequence() }).chatWrapper;
    }
  }
  async dispose(): Promise<void> {
    await this.context?.dispose();
    await this.model?.dispose();
  }
}

interface Row {
  size: TinyModelSize;
  rounds: number;
  raw: number;
  /** Raw, plus a LlamaChat on each sequence that resolves its own chat wrapper. */
  rawChats: number;
  hearth: number;
  /** Of Hearth's time, the load job as the host saw it (the inference process and its IPC). */
  engineJob: number;
  preflightUncached: number;
  preflightCached: number;
}

async function measure(size: TinyModelSize, llama: Llama): Promise<Row> {
  const t = tempDir('hearth-bench-switch-');
  try {
    const models = join(t.dir, 'models');
    mkdirSync(models, { recursive: true });
    const a = writeTinyModel(join(models, `a-${size}.gguf`), { size, favor: 'the' });
    const b = writeTinyModel(join(models, `b-${size}.gguf`), { size, favor: 'fire', seed: 7 });
    const rounds = roundsFor(size);
    const switches = await switchRounds(t.dir, models, llama, [a, b], rounds);
    // Measured alone, after the switches, with nothing else running in this process.
    const preflight = await preflightCost(a, Math.max(rounds, 20));
    return { size, rounds, ...switches, ...preflight };
  } finally {
    t.cleanup();
  }
}

/** Switches A -> B and back through Hearth and raw, in alternating order, after a warm-up switch each way. */
async function switchRounds(
  dir: string,
  models: string,
  llama: Llama,
  [a, b]: [string, string],
  rounds: number,
): Promise<Pick<Row, 'raw' | 'rawChats' | 'hearth' | 'engineJob'>> {
  const backend: Backend = startBackend(dir, [], { modelsDir: models, threads: THREADS, version: 'bench' });
  const raw = new Raw(llama);
  const r = { raw: [] as number[], rawChats: [] as number[], hearth: [] as number[], engineJob: [] as number[] };
  try {
    const call = (channel: string, input?: unknown): Promise<unknown> => callHandler(backend, channel, input);
    await call('settings:update', { contextSize: CONTEXT, parallelAnswers: SEQUENCES, idleUnloadMinutes: 0 });
    await call('models:list');
    let jobMs = 0;
    const load = backend.host.load.bind(backend.host);
    backend.host.load = async (input) => {
      const start = performance.now();
      try {
        return await load(input);
      } finally {
        jobMs = performance.now() - start;
      }
    };
    const hearth = async (path: string): Promise<void> => {
      const start = performance.now();
      const state = (await call('models:load', { path })) as { status: string };
      r.hearth.push(performance.now() - start);
      r.engineJob.push(jobMs);
      if (state.status !== 'ready') throw new Error(`Hearth did not load ${path}: ${JSON.stringify(state)}`);
    };
    const rawSwitch = async (path: string): Promise<void> => {
      let start = performance.now();
      await raw.switchTo(path);
      r.raw.push(performance.now() - start);
      // Back and forth again with chats, so the next round starts from the same model.
      await raw.switchTo(path === a ? b : a);
      start = performance.now();
      await raw.switchTo(path, true);
      r.rawChats.push(performance.now() - start);
    };
    // Warm-up: every file seen once both ways (the steady state of switching back); not counted.
    for (const path of [a, b, a]) {
      await hearth(path);
      await rawSwitch(path);
    }
    r.raw = [];
    r.rawChats = [];
    r.hearth = [];
    r.engineJob = [];
    for (let i = 0; i < rounds; i++) {
      const path = i % 2 === 0 ? b : a;
      if (i % 2 === 0) {
        await hearth(path);
        await rawSwitch(path);
      } else {
        await rawSwitch(path);
        await hearth(path);
      }
    }
  } finally {
    await raw.dispose();
    await backend.dispose(3000);
  }
  return { raw: median(r.raw), rawChats: median(r.rawChats), hearth: median(r.hearth), engineJob: median(r.engineJob) };
}

/** The preflight in this process: with its verdict cache cleared, then again (a switch back to a known file). */
async function preflightCost(path: string, rounds: number): Promise<Pick<Row, 'preflightUncached' | 'preflightCached'>> {
  const uncached: number[] = [];
  const cached: number[] = [];
  const time = async (): Promise<number> => {
    const start = performance.now();
    await preflightGguf(path);
    return performance.now() - start;
  };
  for (let i = 0; i < rounds; i++) {
    clearPreflightCache();
    uncached.push(await time());
  }
  // Apart from the uncached reads, whose garbage would be collected inside the next cached call's timing.
  for (let i = 0; i < rounds; i++) cached.push(await time());
  return { preflightUncached: median(uncached), preflightCached: median(cached) };
}

async function main(): Promise<void> {
  const llama = await getLlama({ gpu: false });
  // As the engine does: node-llama-cpp's default oversubscribes small machines.
  llama.maxThreads = llama.cpuMathCores;
  const rows: Row[] = [];
  for (const size of SIZES) {
    const row = await measure(size, llama);
    rows.push(row);
    console.log(
      `${size}: raw ${fmt(row.raw)} ms (with chats ${fmt(row.rawChats)} ms), Hearth ${fmt(row.hearth)} ms (load job ${fmt(row.engineJob)} ms), ratio ${fmt(row.hearth / row.raw, 3)}; ` +
        `preflight ${fmt(row.preflightUncached, 2)} ms uncached, ${fmt(row.preflightCached, 2)} ms cached`,
    );
  }
  await llama.dispose();
  if (process.env.BENCH_NO_WRITE || process.env.SWITCH_SIZES) return;

  const label = (s: TinyModelSize): string => s.toUpperCase();
  const lines = [
    '| model | raw dispose + load + context | raw, plus a LlamaChat per sequence | Hearth `models:load` | of which the load job | Hearth - raw | Hearth / raw |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => {
      const ratio = row.hearth / row.raw;
      const verdict = row.size === '310m' ? `**${fmt(ratio, 3)}** (target at most ${TARGET_RATIO})` : fmt(ratio, 3);
      return `| ${label(row.size)} | ${fmt(row.raw)} ms | ${fmt(row.rawChats)} ms | ${fmt(row.hearth)} ms | ${fmt(row.engineJob)} ms | ${row.hearth >= row.raw ? '+' : ''}${fmt(row.hearth - row.raw)} ms | ${verdict} |`;
    }),
    '',
    '### The preflight header read, per load',
    '',
    '| model | uncached | cached (a switch back to a file it has seen) |',
    '|---|---|---|',
    ...rows.map((row) => `| ${label(row.size)} | ${fmt(row.preflightUncached, 2)} ms | ${fmt(row.preflightCached, 2)} ms |`),
  ];
  const block =
    `<!-- switch:start -->\n## Model switch (issue 8)\n\n` +
    `Command: \`npm run bench:switch\` (${new Date().toISOString().slice(0, 10)}; ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}). ` +
    `CPU, ${THREADS} threads, context ${CONTEXT}, ${SEQUENCES} sequences, both paths. Each round switches A -> B (or back) once through Hearth ` +
    "(`models:load` through the handler table: the library check, the scheduler's switch, and in the inference process the old model disposed, " +
    'the cached preflight, load, context and chat sequences) and once raw in the bench process (context and model disposed, `loadModel`, ' +
    '`createContext`), in alternating order, after a warm-up switch each way; medians over ' +
    `${rows.map((row) => `${row.rounds} (${label(row.size)})`).join(', ')} rounds. "Of which the load job" is the inference process's load as main's host saw it, IPC included; the rest of Hearth's time is main's (the library, the settings, the scheduler's memory check). ` +
    '"Raw, plus a LlamaChat per sequence" is the raw switch followed by what a chat needs on each sequence, each `LlamaChat` ' +
    'resolving its chat wrapper from the GGUF on its own, as `ChatSlot.create` did before it resolved one wrapper per load (`electron/inference/chatWrapperCache.ts`). ' +
    'The preflight rows time `preflightGguf` in the bench process: with its verdict cache cleared, then again.\n\n' +
    `${lines.join('\n')}\n<!-- switch:end -->`;
  const file = join(ROOT, 'bench/RESULTS.md');
  const old = readFileSync(file, 'utf8');
  const pattern = /<!-- switch:start -->[\s\S]*<!-- switch:end -->/;
  writeFileSync(file, pattern.test(old) ? old.replace(pattern, block) : `${old.trimEnd()}\n\n${block}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
