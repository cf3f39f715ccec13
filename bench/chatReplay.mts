/**
 * The benchmark's server: the real backend (electron/api/backend.ts) behind the real headless server
 * (electron/headless/server.ts), serving the built renderer, with one thing replaced: the model. Its
 * `ChatBackend` replays a prepared Markdown text, one word a token, at a fixed rate, through the real
 * AnswerRunner (persisting, DeltaBatcher, EventBus, WebSocket transport). The tiny models cannot write Markdown;
 * this path can, at a known speed.
 */
import { join } from 'node:path';
import { createBackend, type Backend } from '../electron/api/backend';
import type { ChatBackend, ChatCall } from '../electron/chat/chatBackend';
import { startHeadlessServer, type HeadlessServer } from '../electron/headless/server';
import { forkSpawner } from '../electron/inference/forkSpawner';
import type { ChatTurn, GenerateOptions, GenerateResult } from '../electron/inference/protocol';
import { ROOT } from '../test/helpers/fixtures';

/** Splits a text into "tokens": each word with the whitespace after it, so the tokens join back to the text. */
export const tokensOf = (text: string): string[] => text.match(/\s*\S+\s*/g) ?? [];

/** Replays `text()` at `tokensPerSecond`, emitting every token that is due every few milliseconds. */
export class ReplayChatBackend implements ChatBackend {
  readonly kind = 'local' as const;

  constructor(
    private readonly text: () => string,
    private readonly tokensPerSecond: number,
  ) {}

  async generate(_turns: ChatTurn[], _options: GenerateOptions, call: ChatCall): Promise<GenerateResult> {
    const tokens = tokensOf(this.text());
    const t0 = performance.now();
    let sent = 0;
    let firstAt: number | null = null;
    while (sent < tokens.length && !call.signal.aborted) {
      const due = Math.min(tokens.length, Math.floor(((performance.now() - t0) * this.tokensPerSecond) / 1000) + 1);
      for (; sent < due; sent++) {
        firstAt ??= performance.now() - t0;
        call.onText(tokens[sent]!);
      }
      await new Promise((r) => setTimeout(r, 4));
    }
    return {
      text: tokens.slice(0, sent).join(''),
      thoughts: '',
      thoughtMs: null,
      functionCalls: [],
      stopReason: call.signal.aborted ? 'abort' : 'eog',
      promptTokens: 0,
      reusedTokens: 0,
      completionTokens: sent,
      timeToFirstTokenMs: firstAt === null ? null : Math.round(firstAt),
      durationMs: Math.round(performance.now() - t0),
      droppedMessages: 0,
      sequence: 0,
    };
  }
}

export interface ReplayServer {
  backend: Backend;
  server: HeadlessServer;
  /** The text the next answer replays. */
  setText(text: string): void;
  close(): Promise<void>;
}

/** Starts the replay server on 127.0.0.1 over `dataDir` (the renderer must be built: out/renderer, or BENCH_RENDERER). */
export async function startReplayServer(dataDir: string, tokensPerSecond: number): Promise<ReplayServer> {
  let text = 'Hello.';
  const backend = createBackend({
    dataDir,
    modelsDir: join(dataDir, 'models'),
    gpu: 'off',
    threads: 1,
    shell: 'headless',
    version: 'bench',
    spawner: forkSpawner(join(ROOT, 'out/main/worker.js')),
    chatBackend: new ReplayChatBackend(() => text, tokensPerSecond),
  });
  // The runner names the answer's model from the settings; nothing is loaded, so nothing is spawned.
  backend.settings.update({ selectedModelPath: join(dataDir, 'models', 'replay.gguf') });
  const server = await startHeadlessServer({ backend, rendererDir: process.env.BENCH_RENDERER ?? join(ROOT, 'out/renderer'), port: 0 });
  return {
    backend,
    server,
    setText: (t) => {
      text = t;
    },
    close: async () => {
      await server.close();
      await backend.dispose();
    },
  };
}
