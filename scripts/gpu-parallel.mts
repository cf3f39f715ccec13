/**
 * The engine issue's parallel-answers benchmark (bench/engine.mts section "1.") as one self-contained script
 * for the GPU machines, which have no registry access and no tsx: 4 answers at once and 1 answer alone, raw
 * node-llama-cpp (one context with 4 sequences, 4 LlamaChat) against Hearth's own path (InferenceHost with
 * forkSpawner starting out/main/worker.js, and Scheduler.generate with 4 distinct sequenceKey values, chat slot
 * loaded with `sequences: 4`). Greedy decoding on the tiny model that favours one token, so every answer has
 * exactly --tokens tokens; one warm-up round, then --rounds measured rounds, the four paths interleaved in each;
 * medians. Both paths offload every layer (gpuLayers 'max'; 0 with --gpu off) and use the same threads (the
 * count Hearth's engine picks for the model unless --threads is given). Results: bench/GPU.md.
 *
 * Build and bundle here (plain Node cannot run TypeScript; node-llama-cpp stays external):
 *   npx electron-vite build
 *   node_modules/.bin/esbuild scripts/gpu-parallel.mts --bundle --platform=node --format=esm \
 *     --external:node-llama-cpp --outfile=.gpu/gpu-parallel.mjs
 * Run from the repository root (node_modules with node-llama-cpp, its Vulkan prebuilt and zod beside it):
 *   node .gpu/gpu-parallel.mjs [--sizes 310m,28m] [--tokens 256] [--rounds 3] [--gpu vulkan|cuda|off|auto]
 *     [--threads 0] [--context 1024]
 * The device run and how node_modules, Node and the Vulkan loader were carried there: bench/GPU.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, LlamaChat, type ChatHistoryItem } from 'node-llama-cpp';
import { InferenceHost } from '../electron/inference/host';
import { forkSpawner } from '../electron/inference/forkSpawner';
import type { GpuChoice } from '../electron/inference/protocol';
import { Scheduler } from '../electron/scheduler/scheduler';
import { writeTinyModel, type TinyModelSize } from '../electron/lib/tinyModel';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '310m' },
    tokens: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '3' },
    gpu: { type: 'string', default: 'vulkan' },
    threads: { type: 'string', default: '0' },
    context: { type: 'string', default: '1024' },
  },
});
const ROOT = process.env.HEARTH_ROOT ?? process.cwd();
const WORKER = join(ROOT, 'out/main/worker.js');
const SIZES = values.sizes.split(',') as TinyModelSize[];
const TOKENS = Number(values.tokens);
const ROUNDS = Number(values.rounds);
const GPU = values.gpu as GpuChoice;
const THREADS = Number(values.threads);
const CONTEXT = Number(values.context);
const SEQUENCES = 4;
const SYSTEM = 'Be brief.';
const PROMPT = 'Tell me a long story about a hearth.';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const fmt = (x: number, d = 1): string => x.toFixed(d);
const log = (s: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

const llama = await getLlama({ gpu: GPU === 'off' ? false : GPU, build: 'never' });
// As Hearth's engine does: node-llama-cpp's default max(cpuMathCores, 4) oversubscribes small machines.
llama.maxThreads = llama.cpuMathCores;
const devices = llama.gpu === false ? [] : await llama.getGpuDeviceNames();
log(
  `raw llama: gpu ${llama.gpu}, devices ${JSON.stringify(devices)}, cpuMathCores ${llama.cpuMathCores}, Node ${process.version}, ${cpus().length} cores`,
);

const dir = mkdtempSync(join(tmpdir(), 'hearth-gpu-parallel-'));
const results: Record<string, unknown>[] = [];
try {
  for (const size of SIZES) results.push(await bench(size));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('\n| model | path | 1 answer tok/s | 4 answers, aggregate tok/s | gain (4 over 1) | Hearth/raw |');
console.log('|---|---|---|---|---|---|');
for (const r of results as { size: string; m: Record<'raw1' | 'raw4' | 'hearth1' | 'hearth4', number> }[]) {
  const { m } = r;
  console.log(
    `| ${r.size} | raw node-llama-cpp, one context with 4 sequences | ${fmt(m.raw1)} | ${fmt(m.raw4)} | ${fmt(m.raw4 / m.raw1, 2)}x | |`,
  );
  console.log(
    `| ${r.size} | Hearth: InferenceHost + Scheduler, 4 sequenceKeys | ${fmt(m.hearth1)} | ${fmt(m.hearth4)} | ${fmt(m.hearth4 / m.hearth1, 2)}x | 4 answers **${fmt(m.hearth4 / m.raw4, 3)}**; 1 answer ${fmt(m.hearth1 / m.raw1, 3)} |`,
  );
}
console.log(
  `\nRESULT ${JSON.stringify({ gpu: GPU, llamaGpu: llama.gpu, devices, tokens: TOKENS, rounds: ROUNDS, context: CONTEXT, results })}`,
);
process.exit(0);

async function bench(size: TinyModelSize): Promise<Record<string, unknown>> {
  const model = writeTinyModel(join(dir, `parallel-${size}.gguf`), { size, favor: 'the', contextLength: 8192 });
  const gpuLayers = GPU === 'off' ? 0 : ('max' as const);

  // Hearth first: its engine picks the threads for the model, and the raw path uses the same count.
  const host = new InferenceHost(forkSpawner(WORKER), { gpu: GPU });
  const scheduler = new Scheduler(host, {
    loadOptions: () => ({ contextSize: CONTEXT, sequences: SEQUENCES, gpuLayers, threads: THREADS }),
  });
  let t = performance.now();
  const slot = await scheduler.switchChat(model, 'wait');
  if (!slot) throw new Error('Hearth loaded nothing');
  log(
    `${size}: Hearth loaded in ${Math.round(performance.now() - t)} ms: gpu ${slot.gpu}, gpuLayers ${slot.gpuLayers}, threads ${slot.threads}, sequences ${slot.sequences}, contextSize ${slot.contextSize}`,
  );

  t = performance.now();
  const raw = await llama.loadModel({ modelPath: model, gpuLayers });
  const ctx = await raw.createContext({ contextSize: CONTEXT, sequences: SEQUENCES, threads: slot.threads });
  const chats = Array.from({ length: SEQUENCES }, () => new LlamaChat({ contextSequence: ctx.getSequence() }));
  log(
    `${size}: raw loaded in ${Math.round(performance.now() - t)} ms: gpuLayers ${raw.gpuLayers}, threads ${slot.threads}, contextSize ${ctx.contextSize}, sequences ${ctx.totalSequences}`,
  );

  const history = (i: number): ChatHistoryItem[] => [
    { type: 'system', text: SYSTEM },
    { type: 'user', text: `${PROMPT} (${i})` },
    { type: 'model', response: [] },
  ];
  const rawRun = async (n: number): Promise<number> => {
    const t0 = performance.now();
    let tokens = 0;
    await Promise.all(
      chats.slice(0, n).map((c, i) =>
        c.generateResponse(history(i), {
          maxTokens: TOKENS,
          temperature: 0,
          onToken: (tk) => {
            tokens += tk.length;
          },
        }),
      ),
    );
    const rate = (tokens / (performance.now() - t0)) * 1000;
    if (tokens !== n * TOKENS) throw new Error(`raw wrote ${tokens} tokens, not ${n * TOKENS}`);
    return rate;
  };
  const hearthRun = async (n: number): Promise<number> => {
    const t0 = performance.now();
    const done = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        scheduler.generate({
          client: `bench-${i}`,
          priority: 'interactive',
          input: {
            sequenceKey: `answer-${i}`,
            turns: [
              { role: 'system', content: SYSTEM },
              { role: 'user', content: `${PROMPT} (${i})` },
            ],
            options: { maxTokens: TOKENS, temperature: 0 },
          },
          onEvent: () => undefined,
        }),
      ),
    );
    const rate = (done.reduce((a, r) => a + r.completionTokens, 0) / (performance.now() - t0)) * 1000;
    const tokens = done.reduce((a, r) => a + r.completionTokens, 0);
    if (tokens !== n * TOKENS) throw new Error(`Hearth wrote ${tokens} tokens, not ${n * TOKENS}`);
    if (n > 1 && new Set(done.map((r) => r.sequence)).size !== n)
      throw new Error(`Hearth ran ${n} answers on sequences ${done.map((r) => r.sequence).join(',')}`);
    return rate;
  };

  const r = { raw4: [] as number[], hearth4: [] as number[], raw1: [] as number[], hearth1: [] as number[] };
  for (let round = 0; round <= ROUNDS; round++) {
    const got = { raw4: await rawRun(4), hearth4: await hearthRun(4), raw1: await rawRun(1), hearth1: await hearthRun(1) };
    log(
      `${size} ${round === 0 ? 'warm-up' : `round ${round}`}: ${Object.entries(got)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')} tok/s`,
    );
    if (round > 0) for (const k of Object.keys(r) as (keyof typeof r)[]) r[k].push(got[k]);
  }
  const m = { raw4: median(r.raw4), hearth4: median(r.hearth4), raw1: median(r.raw1), hearth1: median(r.hearth1) };
  log(
    `${size}: medians ${JSON.stringify(m)}; Hearth/raw 4 answers ${fmt(m.hearth4 / m.raw4, 3)}; gain raw ${fmt(m.raw4 / m.raw1, 2)}x, Hearth ${fmt(m.hearth4 / m.hearth1, 2)}x`,
  );

  const rawGpuLayers = raw.gpuLayers;
  await host.dispose(3000);
  await ctx.dispose();
  await raw.dispose();
  return {
    size,
    m,
    rounds: r,
    hearth: { gpu: slot.gpu, gpuLayers: slot.gpuLayers, threads: slot.threads, contextSize: slot.contextSize, sequences: slot.sequences },
    raw: { gpuLayers: rawGpuLayers, threads: slot.threads },
  };
}
