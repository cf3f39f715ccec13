/**
 * `npm run bench:engine` (also the second half of `npm run bench`): the engine issue's benchmarks, each a ratio
 * against raw node-llama-cpp (or Hearth itself) measured in the same process, in interleaved rounds.
 *   1. Aggregate tokens/s of 4 answers at once through Hearth (4 conversations, parallelAnswers 4) against
 *      node-llama-cpp's own 4-sequence context in this process; and the gain over 1 answer.
 *   2. chat:send -> first delta with an idle engine, against a raw chat session's time to first token.
 *   3. The next turn of a long chat (~3,000 tokens of history): time to first token against a raw chat session
 *      that continues; and the cold case, after another conversation used the sequence.
 *   4. An answer's tokens/s while 1,000 chunks embed in the background, against the same answer alone.
 * Env: ENGINE_SIZE (28m), ENGINE_GPU (off|auto|vulkan|cuda), ENGINE_THREADS (1; 0 = by model size),
 * ENGINE_ROUNDS (5), ENGINE_ONLY (e.g. "12"), BENCH_NO_WRITE.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaChat, LlamaChatSession, type ChatHistoryItem } from 'node-llama-cpp';
import type { ChatEnd } from '../shared/contract';
import type { Backend } from '../electron/api/backend';
import type { GpuChoice } from '../electron/inference/protocol';
import { writeTinyModel, type TinyModelSize } from '../electron/lib/tinyModel';
import { callHandler, startBackend } from '../test/helpers/backend';
import { ROOT, tempDir } from '../test/helpers/fixtures';

const SIZE = (process.env.ENGINE_SIZE ?? '28m') as TinyModelSize;
const GPU = (process.env.ENGINE_GPU ?? 'off') as GpuChoice;
const THREADS = Number(process.env.ENGINE_THREADS ?? 1);
const ROUNDS = Number(process.env.ENGINE_ROUNDS ?? 5);
const ONLY = process.env.ENGINE_ONLY ?? '1234';
const SYSTEM = 'Be brief.';
const PROMPT = 'Tell me a long story about a hearth.';
const PARALLEL_TOKENS = 256;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const fmt = (x: number, d = 1): string => x.toFixed(d);

interface Hearth {
  backend: Backend;
  call: (channel: string, input?: unknown) => Promise<unknown>;
}

async function hearth(dir: string, modelsDir: string, model: string, settings: Record<string, unknown>): Promise<Hearth> {
  const backend = startBackend(dir, [], { dataDir: dir, modelsDir, gpu: GPU, threads: THREADS, version: 'bench' });
  const call = (channel: string, input?: unknown): Promise<unknown> => callHandler(backend, channel, input);
  await call('settings:update', { temperature: 0, systemPrompt: SYSTEM, ...settings });
  await call('models:add', { path: model });
  const state = (await call('models:load', { path: model })) as { status: string };
  if (state.status !== 'ready') throw new Error(`load failed: ${JSON.stringify(state)}`);
  return { backend, call };
}

/**
 * Sends and returns promises for the first delta's time and the end. Events are recorded for every stream as
 * they come (the stream id is known only from the reply), and waiters are woken by the events themselves:
 * polling would take a core from generation on this 2-core machine.
 */
function tracker(backend: Backend) {
  const firsts = new Map<string, number>();
  const ends = new Map<string, ChatEnd>();
  const waiters = new Set<() => void>();
  backend.events.subscribe((event, payload) => {
    const id = (payload as { streamId?: string }).streamId;
    if (!id) return;
    if (event === 'chat:delta' && !firsts.has(id)) firsts.set(id, performance.now());
    else if (event === 'chat:end') ends.set(id, payload as ChatEnd);
    else return;
    for (const w of waiters) w();
  });
  const when = <T,>(get: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = (): void => {
        const v = get();
        if (v === undefined) return;
        waiters.delete(check);
        resolve(v);
      };
      waiters.add(check);
      check();
    });
  return { first: (id: string) => when(() => firsts.get(id)), end: (id: string) => when(() => ends.get(id)) };
}

const trackers = new WeakMap<Backend, ReturnType<typeof tracker>>();

async function send(
  h: Hearth,
  conversationId: string | null,
  text: string,
): Promise<{ id: string; conversationId: string; end: Promise<ChatEnd>; first: Promise<number>; t0: number }> {
  const tr = trackers.get(h.backend) ?? tracker(h.backend);
  trackers.set(h.backend, tr);
  const t0 = performance.now();
  const r = (await h.call('chat:send', { conversationId, text })) as { streamId: string; conversationId: string };
  return { id: r.streamId, conversationId: r.conversationId, end: tr.end(r.streamId), first: tr.first(r.streamId), t0 };
}

async function main(): Promise<void> {
  const t = tempDir('hearth-engine-bench-');
  const modelsDir = join(t.dir, 'models');
  mkdirSync(modelsDir, { recursive: true });
  const model = writeTinyModel(join(modelsDir, `bench-${SIZE}.gguf`), { size: SIZE, favor: 'the', contextLength: 8192 });
  const embedModel = writeTinyModel(join(t.dir, 'embed-1m.gguf'), { size: '1m' });
  const llama = await getLlama({ gpu: GPU === 'off' ? false : GPU === 'auto' ? 'auto' : GPU, build: 'never' });
  llama.maxThreads = llama.cpuMathCores;
  const raw = await llama.loadModel({ modelPath: model });
  const threads = THREADS > 0 ? THREADS : raw.fileInsights.totalParameters < 100_000_000 ? 1 : llama.cpuMathCores;
  const lines: string[] = [];
  const say = (s: string): void => {
    console.log(s);
    lines.push(s);
  };
  say(
    `Model: ${SIZE} (favor "the"), ${GPU === 'off' ? 'CPU' : `GPU ${llama.gpu}`}, ${threads} thread(s), ${ROUNDS} measured rounds after one warm-up, medians.`,
  );
  try {
    if (ONLY.includes('1')) {
      const ctx = await raw.createContext({ contextSize: 1024, sequences: 4, threads });
      const chats = Array.from({ length: 4 }, () => new LlamaChat({ contextSequence: ctx.getSequence() }));
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
              maxTokens: PARALLEL_TOKENS,
              temperature: 0,
              onToken: (tk) => {
                tokens += tk.length;
              },
            }),
          ),
        );
        return (tokens / (performance.now() - t0)) * 1000;
      };
      const h = await hearth(join(t.dir, 'p4'), modelsDir, model, { parallelAnswers: 4, contextSize: 1024, maxTokens: PARALLEL_TOKENS });
      const hearthRun = async (n: number): Promise<number> => {
        const t0 = performance.now();
        const sent = await Promise.all(Array.from({ length: n }, (_, i) => send(h, null, `${PROMPT} (${i})`)));
        const ends = await Promise.all(sent.map((s) => s.end));
        const tokens = ends.reduce((a, e) => a + (e.stats.completionTokens ?? 0), 0);
        if (tokens !== n * PARALLEL_TOKENS) throw new Error(`Hearth wrote ${tokens} tokens`);
        return (tokens / (performance.now() - t0)) * 1000;
      };
      const r = { raw4: [] as number[], hearth4: [] as number[], raw1: [] as number[], hearth1: [] as number[] };
      for (let round = 0; round <= ROUNDS; round++) {
        const got = { raw4: await rawRun(4), hearth4: await hearthRun(4), raw1: await rawRun(1), hearth1: await hearthRun(1) };
        if (round > 0) for (const k of Object.keys(r) as (keyof typeof r)[]) r[k].push(got[k]);
      }
      const m = { raw4: median(r.raw4), hearth4: median(r.hearth4), raw1: median(r.raw1), hearth1: median(r.hearth1) };
      say(`\n### 1. Four answers at once (${PARALLEL_TOKENS} tokens each)\n`);
      say('| path | 1 answer tok/s | 4 answers, aggregate tok/s | gain over 1 answer |');
      say('|---|---|---|---|');
      say(`| raw node-llama-cpp, one context with 4 sequences | ${fmt(m.raw1)} | ${fmt(m.raw4)} | ${fmt(m.raw4 / m.raw1, 2)}x |`);
      say(`| Hearth: 4 conversations, parallelAnswers 4 | ${fmt(m.hearth1)} | ${fmt(m.hearth4)} | ${fmt(m.hearth4 / m.hearth1, 2)}x |`);
      say(`\nHearth / raw, 4 answers: **${fmt(m.hearth4 / m.raw4, 3)}** (target at least 0.95); 1 answer: ${fmt(m.hearth1 / m.raw1, 3)}.`);
      await h.backend.dispose(3000);
      await ctx.dispose();
    }

    if (ONLY.includes('2') || ONLY.includes('3')) {
      const ctx = await raw.createContext({ contextSize: 4096, threads });
      const sequence = ctx.getSequence();
      const h = await hearth(join(t.dir, 'p1'), modelsDir, model, { parallelAnswers: 1, contextSize: 4096, maxTokens: 8 });
      if (ONLY.includes('2')) {
        const rawTtft = async (i: number): Promise<number> => {
          const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: SYSTEM });
          const t0 = performance.now();
          let first = 0;
          await session.prompt(`${PROMPT} ${i}`, {
            maxTokens: 8,
            temperature: 0,
            onTextChunk: () => {
              first ||= performance.now();
            },
          });
          session.dispose({ disposeSequence: false });
          return first - t0;
        };
        const hearthTtft = async (i: number): Promise<number> => {
          const s = await send(h, null, `${PROMPT} ${i}`);
          const first = await s.first;
          await s.end;
          return first - s.t0;
        };
        const r = { raw: [] as number[], hearth: [] as number[] };
        for (let round = 0; round <= ROUNDS * 2; round++) {
          const a = await rawTtft(round);
          const b = await hearthTtft(round);
          if (round > 0) {
            r.raw.push(a);
            r.hearth.push(b);
          }
        }
        say('\n### 2. Time to first token, idle engine (a new chat)\n');
        say(
          `raw chat session ${fmt(median(r.raw))} ms; Hearth chat:send -> first chat:delta ${fmt(median(r.hearth))} ms: **+${fmt(median(r.hearth) - median(r.raw))} ms** (target at most +10 ms).`,
        );
      }
      if (ONLY.includes('3')) {
        // A long chat: 6 turns of 500 tokens on each side, then short turns, each measured.
        const TURN = 500;
        await h.call('settings:update', { maxTokens: TURN });
        const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: SYSTEM });
        let conv: string | null = null;
        for (let i = 0; i < 6; i++) {
          await session.prompt(`Part ${i} of the story, please.`, { maxTokens: TURN, temperature: 0 });
          const s = await send(h, conv, `Part ${i} of the story, please.`);
          conv = s.conversationId;
          await s.end;
        }
        await h.call('settings:update', { maxTokens: 4 });
        const r = { raw: [] as number[], warm: [] as number[], cold: [] as number[], reused: [] as number[], prompt: [] as number[] };
        for (let i = 0; i <= ROUNDS; i++) {
          const t0 = performance.now();
          let first = 0;
          await session.prompt(`Go on (${i}).`, {
            maxTokens: 4,
            temperature: 0,
            onTextChunk: () => {
              first ||= performance.now();
            },
          });
          const warm = await send(h, conv, `Go on (${i}).`);
          const wf = await warm.first;
          const we = await warm.end;
          // Cold: another conversation takes the only sequence first.
          await (await send(h, null, `Something else ${i}`)).end;
          const cold = await send(h, conv, `And then (${i})?`);
          const cf = await cold.first;
          await cold.end;
          if (i > 0) {
            r.raw.push(first - t0);
            r.warm.push(wf - warm.t0);
            r.cold.push(cf - cold.t0);
            r.prompt.push(we.stats.promptTokens ?? 0);
          }
        }
        say(`\n### 3. The next turn of a long chat (about ${median(r.prompt)} tokens of history)\n`);
        say(
          `raw chat session continuing: ${fmt(median(r.raw))} ms to first token; Hearth, warm sequence: ${fmt(median(r.warm))} ms, **${fmt(median(r.warm) / median(r.raw), 2)}x** (target at most 1.1x); cold, after another chat used the sequence: ${fmt(median(r.cold))} ms (${fmt(median(r.cold) / median(r.raw), 1)}x).`,
        );
      }
      await h.backend.dispose(3000);
      await ctx.dispose();
    }

    if (ONLY.includes('4')) {
      const h = await hearth(join(t.dir, 'p-embed'), modelsDir, model, { parallelAnswers: 1, contextSize: 2048, maxTokens: 256 });
      const texts = Array.from({ length: 1000 }, (_, i) => `Chunk ${i}: the hearth keeps the local fire, and the model is local.`);
      const answer = async (): Promise<number> => {
        const s = await send(h, null, PROMPT);
        const e = await s.end;
        return ((e.stats.completionTokens ?? 0) / (performance.now() - s.t0)) * 1000;
      };
      const r = { alone: [] as number[], beside: [] as number[] };
      let embedRate = 0;
      for (let i = 0; i <= ROUNDS; i++) {
        const alone = await answer();
        const controller = new AbortController();
        let done = 0;
        const t0 = performance.now();
        const embedding = h.backend.scheduler.embed({
          client: 'bench',
          priority: 'background',
          model: embedModel,
          texts,
          signal: controller.signal,
          onProgress: (n) => {
            done = n;
          },
        });
        while (done < 64) await new Promise((res) => setTimeout(res, 5));
        const beside = await answer();
        const full = await embedding;
        embedRate = (full.vectors.length / (performance.now() - t0)) * 1000;
        if (i > 0) {
          r.alone.push(alone);
          r.beside.push(beside);
        }
      }
      say('\n### 4. An answer while 1,000 chunks embed in the background (1M embedding model)\n');
      say(
        `alone ${fmt(median(r.alone))} tok/s; beside the embedding ${fmt(median(r.beside))} tok/s: **${fmt(median(r.beside) / median(r.alone), 3)}** (target at least 0.8). The embedding ran at ${fmt(embedRate, 0)} chunks/s overall, waiting between its batches of 32 while the answer was written.`,
      );
      await h.backend.dispose(3000);
    }
  } finally {
    await raw.dispose();
    t.cleanup();
  }
  if (process.env.BENCH_NO_WRITE || ONLY !== '1234') return;
  const file = join(ROOT, 'bench/RESULTS.md');
  const block = `<!-- engine:start -->\n## Engine (issue 6)\n\nCommand: \`npm run bench:engine\` (${new Date().toISOString().slice(0, 10)}; ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}). Greedy decoding; the tiny models favor one token, so every answer has exactly the stated length. Rounds interleave the paths.\n\n${lines.join('\n')}\n<!-- engine:end -->`;
  const old = readFileSync(file, 'utf8');
  const next = /<!-- engine:start -->[\s\S]*<!-- engine:end -->/.test(old)
    ? old.replace(/<!-- engine:start -->[\s\S]*<!-- engine:end -->/, block)
    : `${old.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
