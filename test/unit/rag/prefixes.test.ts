import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../electron/models/catalog/loadCatalog';
import { NO_PREFIXES, prefixesFor } from '../../../electron/rag/prefixes';

const NOMIC = { query: 'search_query: ', document: 'search_document: ' };
const E5 = { query: 'query: ', document: 'passage: ' };
const BGE = { query: 'Represent this sentence for searching relevant passages: ', document: '' };
const model = (over: { path?: string; repo?: string; name?: string }) => ({
  path: over.path ?? '/models/unknown.gguf',
  hub: over.repo ? { repo: over.repo } : null,
  name: over.name ?? null,
});

describe('prefixesFor', () => {
  it("gives a model downloaded from a catalog repository that entry's prefixes, whatever the case of the repository", () => {
    expect(prefixesFor(model({ repo: 'nomic-ai/nomic-embed-text-v1.5-GGUF' }))).toEqual(NOMIC);
    expect(prefixesFor(model({ repo: 'NOMIC-AI/nomic-embed-text-v1.5-gguf' }))).toEqual(NOMIC);
    expect(prefixesFor(model({ repo: 'cstr/multilingual-e5-small-GGUF' }))).toEqual(E5);
    expect(prefixesFor(model({ repo: 'CompendiumLabs/bge-small-en-v1.5-gguf' }))).toEqual(BGE);
  });

  it('knows a catalog model from another repository by the model the repository is named for', () => {
    expect(prefixesFor(model({ repo: 'ChristianAzinn/bge-small-en-v1.5-gguf' }))).toEqual(BGE);
    expect(prefixesFor(model({ repo: 'someone/multilingual-e5-small-GGUF' }))).toEqual(E5);
  });

  it('knows a model that came without a Hub source by its GGUF name, whatever its case and punctuation', () => {
    expect(prefixesFor(model({ name: 'nomic-embed-text-v1.5' }))).toEqual(NOMIC);
    expect(prefixesFor(model({ name: 'Nomic Embed Text V1.5' }))).toEqual(NOMIC);
    expect(prefixesFor(model({ name: 'Multilingual E5 Small' }))).toEqual(E5);
    expect(prefixesFor(model({ name: 'EmbeddingGemma 300M' }))).toEqual({
      query: 'task: search result | query: ',
      document: 'title: none | text: ',
    });
  });

  it('falls back to the file name without its quantization, split part and extension', () => {
    expect(prefixesFor(model({ path: '/models/nomic-embed-text-v1.5.Q8_0.gguf' }))).toEqual(NOMIC);
    expect(prefixesFor(model({ path: 'C:\\models\\bge-small-en-v1.5-f16.gguf' }))).toEqual(BGE);
    expect(prefixesFor(model({ path: '/m/multilingual-e5-small-q4_k-00001-of-00002.gguf' }))).toEqual(E5);
    expect(prefixesFor(model({ path: '/m/Qwen3-Embedding-0.6B-IQ4_XS.gguf' })).query).toMatch(/^Instruct: /);
  });

  it('prefers the Hub repository to a name that points elsewhere', () => {
    expect(prefixesFor(model({ repo: 'nomic-ai/nomic-embed-text-v1.5-GGUF', name: 'multilingual-e5-small' }))).toEqual(NOMIC);
  });

  it('gives none to a model the catalog does not know, to a near name, and to one that needs none', () => {
    expect(prefixesFor(model({}))).toEqual(NO_PREFIXES);
    expect(prefixesFor(model({ name: 'Hearth tiny test model (1m, random weights)', path: '/t/tiny.gguf' }))).toEqual(NO_PREFIXES);
    expect(prefixesFor(model({ name: 'multilingual-e5-small-instruct', path: '/m/multilingual-e5-large.gguf' }))).toEqual(NO_PREFIXES);
    expect(prefixesFor(model({ repo: 'someone/nomic-embed-text-v2-moe-GGUF' }))).toEqual(NO_PREFIXES);
    expect(prefixesFor(model({ repo: 'second-state/All-MiniLM-L6-v2-Embedding-GGUF' }))).toEqual(NO_PREFIXES);
    // A chat model's name that happens to match is not an embedding model's.
    expect(prefixesFor(model({ name: 'qwen3-8b', repo: 'Qwen/Qwen3-8B-GGUF' }))).toEqual(NO_PREFIXES);
  });

  it('reads the catalog it is given, and hands out copies the caller may change', () => {
    const catalog = loadCatalog().map((e) =>
      e.id === 'nomic-embed-text-v1.5' ? { ...e, prefixes: { query: 'Q> ', document: 'D> ' } } : e,
    );
    expect(prefixesFor(model({ repo: 'nomic-ai/nomic-embed-text-v1.5-GGUF' }), catalog)).toEqual({ query: 'Q> ', document: 'D> ' });
    const got = prefixesFor(model({ name: 'nomic-embed-text-v1.5' }));
    got.query = 'changed';
    expect(prefixesFor(model({ name: 'nomic-embed-text-v1.5' }))).toEqual(NOMIC);
    expect(NO_PREFIXES).toEqual({ query: '', document: '' });
  });
});
