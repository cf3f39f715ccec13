import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import type { ChatTurn } from '../../electron/inference/protocol';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

/** Honest context on the real engine: whole turns leave the model's view, or nothing runs that cannot fit. */
let dir: string;
let cleanup: () => void;
let says: string;
const hosts: InferenceHost[] = [];
const CONTEXT = 512;

async function host(): Promise<InferenceHost> {
  const h = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
  hosts.push(h);
  await h.load({ slot: 'chat', path: says, options: { contextSize: CONTEXT, threads: 1 } });
  return h;
}

/** A chat of `n` exchanges of about 60 tokens each, after a system prompt. */
function chat(n: number): ChatTurn[] {
  const turns: ChatTurn[] = [{ role: 'system', content: 'You are the hearth keeper.' }];
  for (let i = 0; i < n; i++) {
    turns.push({ role: 'user', content: `Question ${i}: ${'tell me about the fire '.repeat(6)}` });
    turns.push({ role: 'assistant', content: 'the '.repeat(30) });
  }
  turns.push({ role: 'user', content: 'And now?' });
  return turns;
}

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  says = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose(2000)));
});
afterAll(() => cleanup());

describe('a chat past its context', () => {
  it('measures the system prompt, the history and the draft as the template lays them out', async () => {
    const h = await host();
    const short = await h.job('measure', { turns: chat(1), draft: '' });
    const withDraft = await h.job('measure', { turns: chat(1), draft: 'tell me about the fire '.repeat(10) });
    expect(short).toMatchObject({ contextSize: CONTEXT, draft: 0 });
    expect(short.system).toBeGreaterThan(3);
    expect(short.history).toBeGreaterThan(50);
    expect(short.total).toBe(short.system + short.history);
    expect(withDraft.draft).toBeGreaterThan(40);
    expect(withDraft.total).toBe(withDraft.system + withDraft.history + withDraft.draft);
    expect((await h.job('measure', { turns: chat(20), draft: '' })).total).toBeGreaterThan(2 * CONTEXT);
  });

  it('drops whole turns from the oldest, keeps the system prompt, says how many, and answers', async () => {
    const h = await host();
    const turns = chat(20);
    const r = await h.job('generate', { turns, options: { maxTokens: 40, temperature: 0, overflow: 'dropOldest' } });
    expect(r.completionTokens).toBe(40);
    expect(r.text.trim().split(/\s+/)).toEqual(Array(40).fill('the'));
    // Whole exchanges went: an even number of messages, the newest kept.
    expect(r.droppedMessages).toBeGreaterThan(20);
    expect(r.droppedMessages % 2).toBe(0);
    expect(r.droppedMessages).toBeLessThan(turns.length - 2);
  });

  it('keeps answering while the answer itself runs past the context, twice over', async () => {
    const h = await host();
    const r = await h.job('generate', { turns: chat(4), options: { maxTokens: 2 * CONTEXT, temperature: 0, overflow: 'dropOldest' } });
    expect(r.completionTokens).toBe(2 * CONTEXT);
    expect(r.stopReason).toBe('maxTokens');
    expect(r.droppedMessages).toBeGreaterThan(0);
  });

  it('under "stop", refuses a chat that does not fit before anything runs, and says what to do', async () => {
    const h = await host();
    await expect(
      h.job('generate', { turns: chat(20), options: { maxTokens: 10, temperature: 0, overflow: 'stop' } }),
    ).rejects.toMatchObject({
      code: 'CONTEXT_FULL',
      message: expect.stringMatching(/needs [\d,]+ tokens, and the model's context holds 512\. Start a new chat/),
    });
  });

  it('under "stop", ends an answer at the context\'s edge and says so, dropping nothing', async () => {
    const h = await host();
    const before = await h.job('measure', { turns: chat(2), draft: '' });
    const r = await h.job('generate', { turns: chat(2), options: { maxTokens: 0, temperature: 0, overflow: 'stop' } });
    expect(r.stopReason).toBe('contextFull');
    expect(r.droppedMessages).toBe(0);
    expect(r.completionTokens).toBeLessThanOrEqual(CONTEXT - before.total);
    expect(r.completionTokens).toBeGreaterThan(CONTEXT - before.total - 16);
  });
});
