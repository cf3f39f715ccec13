/**
 * `npm run bench:api` (also part of `npm run bench`): issue 10's benchmark. Streaming tokens/s through Hearth's
 * OpenAI-compatible API server to the official `openai` client, against the in-process chat path (the scheduler's
 * generate, called as LocalChatBackend calls it for an answer in the UI) on the same backend, model and prompt, in
 * the same process, in alternating rounds (a, b, then b, a, so drift touches both alike). Each rate counts from
 * the request to its end: the stream's [DONE] at the client for the API, the job's result for the chat path.
 * Target: the API at least 0.95 of the chat path.
 * Env: API_SIZES (28m; e.g. "28m,1m"), API_TOKENS (512), API_ROUNDS (9 measured, after 2 warm-up), API_GPU
 * (off|auto|vulkan|cuda), API_THREADS (1), BENCH_NO_WRITE.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Backend } from '../electron/api/backend';
import { LocalChatBackend } from '../electron/chat/chatBackend';
import type { GpuChoice } from '../electron/inference/protocol';
import { writeTinyModel, type TinyModelSize } from '../electron/lib/tinyModel';
import { callHandler, startBackend } from '../test/helpers/backend';
import { ROOT, tempDir } from '../test/helpers/fixtures';

const SIZES = (process.env.API_SIZES ?? '28m').split(',') as TinyModelSize[];
const TOKENS = Number(process.env.API_TOKENS ?? 512);
const ROUNDS = Number(process.env.API_ROUNDS ?? 9);
const WARMUP = 2;
const GPU = (process.env.API_GPU ?? 'off') as GpuChoice;
const THREADS = Number(process.env.API_THREADS ?? 1);
const SYSTEM = 'Be brief.';
const PROMPT = 'Tell me a long story about a hearth.';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const fmt = (x: number, d = 1): string => x.toFixed(d);

interface Row {
  size: TinyModelSize;
  chat: number;
  api: number;
  /** The median of each round's API / chat ratio: the two ran back to back, so a busy moment touches both. */
  paired: number;
  /** Medians of the time from the request to the first text on each path. */
  chatFirst: number;
  apiFirst: number;
  chunks: number;
  gpu: string;
}

async function benchSize(size: TinyModelSize, dir: string): Promise<Row> {
  const backend: Backend = startBackend(join(dir, size), [], { gpu: GPU, threads: THREADS, version: 'bench' });
  try {
    const model = writeTinyModel(join(dir, size, 'models', `bench-${size}.gguf`), { size, favor: 'the' });
    await callHandler(backend, 'settings:update', { contextSize: 4096, parallelAnswers: 1 });
    await callHandler(backend, 'models:load', { path: model });
    const status = await backend.api.configure({ enabled: true, port: 0 });
    if (!status.baseUrl || !status.key) throw new Error(`The API server did not start: ${status.error ?? 'no address'}`);
    const client = new OpenAI({ baseURL: status.baseUrl, apiKey: status.key, maxRetries: 0 });
    const chatPath = new LocalChatBackend(backend.scheduler);
    const turns = [
      { role: 'system' as const, content: SYSTEM },
      { role: 'user' as const, content: PROMPT },
    ];

    /** The UI's path: the scheduler's generate at the answer's priority, streaming its text to a callback. */
    const chat = async (): Promise<{ rate: number; first: number }> => {
      let text = '';
      let first = 0;
      const t0 = performance.now();
      const r = await chatPath.generate(
        turns,
        { maxTokens: TOKENS, temperature: 0 },
        {
          conversationId: 'bench',
          signal: new AbortController().signal,
          onText: (t) => {
            first ||= performance.now();
            text += t;
          },
        },
      );
      const dt = performance.now() - t0;
      if (r.completionTokens !== TOKENS || !text) throw new Error(`the chat path wrote ${r.completionTokens} tokens`);
      return { rate: (TOKENS / dt) * 1000, first: first - t0 };
    };

    let chunks = 0;
    /** The API: a streamed chat completion through the server to the openai client, read to its end. */
    const api = async (): Promise<{ rate: number; first: number }> => {
      let text = '';
      let first = 0;
      let used: number | undefined;
      chunks = 0;
      const t0 = performance.now();
      const stream = await client.chat.completions.create({
        model: `bench-${size}`,
        messages: turns,
        max_tokens: TOKENS,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const c of stream) {
        chunks++;
        const delta = c.choices[0]?.delta.content ?? '';
        if (delta) first ||= performance.now();
        text += delta;
        used = c.usage?.completion_tokens ?? used;
      }
      const dt = performance.now() - t0;
      if (used !== TOKENS || !text) throw new Error(`the API wrote ${used} tokens`);
      return { rate: (TOKENS / dt) * 1000, first: first - t0 };
    };

    const r = { chat: [] as number[], api: [] as number[], chatFirst: [] as number[], apiFirst: [] as number[] };
    console.log(`\n${size} model, ${TOKENS} tokens, ${WARMUP} warm-up and ${ROUNDS} measured rounds:`);
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const got = round % 2 === 0 ? { chat: await chat(), api: await api() } : { api: await api(), chat: await chat() };
      console.log(
        `  round ${round + 1}${round < WARMUP ? ' (warm-up)' : ''}: chat ${fmt(got.chat.rate)} tok/s, API ${fmt(got.api.rate)} tok/s`,
      );
      if (round >= WARMUP) {
        r.chat.push(got.chat.rate);
        r.api.push(got.api.rate);
        r.chatFirst.push(got.chat.first);
        r.apiFirst.push(got.api.first);
      }
    }
    return {
      size,
      chat: median(r.chat),
      api: median(r.api),
      paired: median(r.api.map((a, i) => a / r.chat[i]!)),
      chatFirst: median(r.chatFirst),
      apiFirst: median(r.apiFirst),
      chunks,
      gpu: backend.host.loaded('chat')?.gpu ?? 'unknown',
    };
  } finally {
    await backend.dispose(3000);
  }
}

async function main(): Promise<void> {
  const t = tempDir('hearth-api-bench-');
  const rows: Row[] = [];
  try {
    for (const size of SIZES) rows.push(await benchSize(size, t.dir));
  } finally {
    t.cleanup();
  }
  const lines = [
    `${ROUNDS} measured rounds after ${WARMUP} warm-up, medians; ${TOKENS} tokens per answer, greedy, ${THREADS} generation thread(s), ${GPU === 'off' ? 'CPU' : `GPU choice ${GPU}`}.`,
    '',
    "| model | in-process chat path tok/s | API server -> openai client, streamed, tok/s | API / chat path (of the medians) | median of the rounds' ratios | first text, chat path / API | SSE chunks per answer |",
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (x) =>
        `| ${x.size} (${x.gpu}) | ${fmt(x.chat)} | ${fmt(x.api)} | **${fmt(x.api / x.chat, 3)}** | ${fmt(x.paired, 3)} | ${fmt(x.chatFirst)} ms / ${fmt(x.apiFirst)} ms | ${x.chunks} |`,
    ),
  ];
  console.log(`\n${lines.join('\n')}`);
  if (process.env.BENCH_NO_WRITE) return;
  const block = `<!-- api:start -->
## Local OpenAI-compatible API (issue 10)

Command: \`npm run bench:api\` (${new Date().toISOString().slice(0, 10)}; ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}).

Setup: one backend (\`createBackend\`, the real inference process) with the tiny model loaded, its API server on 127.0.0.1, and the official \`openai\` client (6.49.0) in the same process. Both paths answer the prompt "${PROMPT}" after the system prompt "${SYSTEM}" on the same model: (1) the in-process chat path, \`LocalChatBackend.generate\` through the scheduler, as an answer in the UI is written; (2) \`client.chat.completions.create({ stream: true })\` through the server, read to its \`[DONE]\`, with the server coalescing tokens into SSE chunks every 50 ms as the UI coalesces deltas. Rounds alternate the order of the paths. "First text" is the time from the request to the first text on each path: what the HTTP request, the body and model checks and the client's SSE parsing add before the engine's first token; on 2 shared cores, the rest of the difference in rate is the engine's own spread between rounds. Target: the API at least 0.95 of the chat path.

${lines.join('\n')}
<!-- api:end -->`;
  const file = join(ROOT, 'bench/RESULTS.md');
  const old = readFileSync(file, 'utf8');
  const re = /<!-- api:start -->[\s\S]*<!-- api:end -->/;
  writeFileSync(file, re.test(old) ? old.replace(re, block) : `${old.trimEnd()}\n\n${block}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
