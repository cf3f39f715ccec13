import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { InferenceHost } from '../../electron/inference/host';
import { modelKind } from '../../electron/models/library/modelMeta';
import { WORKER_PATH, tempDir, tinyModel } from '../helpers/fixtures';

/**
 * The engine's ranking slot on the real inference process, with the tiny reranker (tinyRanker.ts): the layout
 * node-llama-cpp's LlamaRankingContext accepts, so the rerank path runs for real without a downloaded model.
 */
const LOAD = { contextSize: 1024, threads: 1 };
const QUERY = 'where does the fire burn';
const DOCUMENTS = ['the fire is warm', 'a model of the world', 'It is local and it is you', 'Hello', 'that is the hearth of it'];

let dir: string;
let cleanup: () => void;
let ranker: string;
let favoring: string;
let plain: string;
let says: string;
const hosts: InferenceHost[] = [];

function newHost(): InferenceHost {
  const h = new InferenceHost(forkSpawner(WORKER_PATH), { gpu: 'off' });
  hosts.push(h);
  return h;
}

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  ranker = tinyModel(dir, 'ranker.gguf', { ranker: true });
  favoring = tinyModel(dir, 'ranks-hearth.gguf', { ranker: true, favor: 'hearth' });
  plain = tinyModel(dir, 'plain.gguf');
  says = tinyModel(dir, 'says-the.gguf', { favor: 'the' });
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose(2000)));
});
afterAll(() => cleanup());

async function rank(host: InferenceHost, query: string, documents: string[]): Promise<number[]> {
  return (await host.job('rank', { query, documents })).scores;
}

describe('ranking on the tiny reranker', () => {
  it('loads into the ranking slot and gives each document one score in [0, 1], the same on every call, in any order and in a fresh process', async () => {
    const host = newHost();
    const loaded = await host.load({ slot: 'ranking', path: ranker, options: LOAD });
    expect(loaded).toMatchObject({ slot: 'ranking', path: ranker, isTestModel: true, sequences: 1, threads: 1 });
    const scores = await rank(host, QUERY, DOCUMENTS);
    expect(scores).toHaveLength(DOCUMENTS.length);
    for (const s of scores) {
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    // A head over one label would give 1 everywhere: two labels and a softmax give scores that differ.
    expect(new Set(scores).size).toBe(DOCUMENTS.length);
    expect(await rank(host, QUERY, DOCUMENTS)).toEqual(scores);
    expect(await rank(host, QUERY, [...DOCUMENTS].reverse())).toEqual([...scores].reverse());
    expect(await rank(host, QUERY, [DOCUMENTS[2]!])).toEqual([scores[2]]);
    // The query is part of what is read: another query scores the same documents differently.
    expect(await rank(host, 'Hello world', DOCUMENTS)).not.toEqual(scores);

    const fresh = newHost();
    await fresh.load({ slot: 'ranking', path: ranker, options: LOAD });
    expect(await rank(fresh, QUERY, DOCUMENTS)).toEqual(scores);
  });

  it('ranks documents that mention the favored word above those that do not, and those that are more of it higher', async () => {
    const host = newHost();
    await host.load({ slot: 'ranking', path: favoring, options: LOAD });
    const documents = ['the fire is warm', 'hearth', 'a model of the world and a hearth in it', 'hearth hearth hearth', 'Hello'];
    const [none, alone, once, thrice, hello] = await rank(host, QUERY, documents);
    // Nothing of the word anywhere in query or document: exactly even.
    expect(none).toBe(0.5);
    expect(hello).toBe(0.5);
    expect(once).toBeGreaterThan(0.5);
    expect(alone).toBeGreaterThan(once!);
    expect(thrice).toBeGreaterThan(alone!);
    expect(thrice).toBeLessThanOrEqual(1);
    // The word at the very start of a document (tokenized without the space SentencePiece adds) counts too.
    expect(alone).toBeGreaterThan(0.5);
    // A query that mentions the word lifts a document that does not.
    expect((await rank(host, 'where is the hearth', ['the fire is warm']))[0]).toBeGreaterThan(0.5);
  });

  it('ranks a passage longer than its context in pieces, keeping its best, instead of failing the batch', async () => {
    const host = newHost();
    await host.load({ slot: 'ranking', path: favoring, options: { ...LOAD, contextSize: 256 } });
    const long = `${'the fire is warm and '.repeat(200)}hearth`;
    const [plain, longOne] = await rank(host, QUERY, ['the fire is warm', long]);
    expect(plain).toBe(0.5);
    // The piece that holds the word scores above even.
    expect(longOne).toBeGreaterThan(0.5);
  });

  it('is a model that ranks to the inspect job, which the library files as an embedding model; the chat model is not', async () => {
    const host = newHost();
    const info = await host.job('inspect', { source: ranker });
    expect(info).toMatchObject({ architecture: 'qwen3', supportsRanking: true, embeddingSize: 128 });
    expect(modelKind(info)).toBe('embedding');
    const chat = await host.job('inspect', { source: plain });
    expect(chat).toMatchObject({ architecture: 'llama', supportsRanking: false });
    expect(modelKind(chat)).toBe('chat');
  });

  it('ranks beside a chat model and an embedding model, and stops when its slot is emptied', async () => {
    const host = newHost();
    await host.load({ slot: 'chat', path: says, options: LOAD });
    await host.load({ slot: 'embedding', path: plain, options: LOAD });
    await host.load({ slot: 'ranking', path: favoring, options: LOAD });
    const [ranked, embedded, answered] = await Promise.all([
      rank(host, QUERY, ['hearth', 'fire']),
      host.job('embed', { texts: ['the hearth'] }),
      host.job('generate', { turns: [{ role: 'user', content: 'Hello' }], options: { maxTokens: 3, temperature: 0 } }),
    ]);
    expect(ranked[0]).toBeGreaterThan(ranked[1]!);
    expect(embedded.vectors[0]).toHaveLength(128);
    expect(answered.text).toContain('the');
    expect((await host.job('status', {})).slots.map((s) => s.slot).sort()).toEqual(['chat', 'embedding', 'ranking']);

    await host.unload('ranking');
    await expect(host.job('rank', { query: QUERY, documents: ['x'] })).rejects.toMatchObject({ code: 'NO_MODEL' });
    expect((await host.job('embed', { texts: ['still here'] })).vectors).toHaveLength(1);
  });
});
