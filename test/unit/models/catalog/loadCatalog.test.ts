import { describe, expect, it } from 'vitest';
import { catalogEntries, loadCatalog } from '../../../../electron/models/catalog/loadCatalog';
import { CatalogEntry } from '../../../../shared/models';

const catalog = loadCatalog();
const byId = new Map(catalog.map((e) => [e.id, e]));

describe('the curated catalog', () => {
  it('parses as catalog entries with unique ids and repositories', () => {
    for (const e of catalog) expect(CatalogEntry.parse(e)).toEqual(e);
    expect(new Set(catalog.map((e) => e.id)).size).toBe(catalog.length);
    expect(new Set(catalog.map((e) => e.repo)).size).toBe(catalog.length);
  });

  it('gives every model a licence card Hearth knows, never unknown', () => {
    for (const e of catalog) {
      expect(e.license.category, e.id).not.toBe('unknown');
      expect(e.license.commercialUse, e.id).not.toBeNull();
      expect(e.license.conditions.length, e.id).toBeGreaterThan(0);
    }
  });

  it('covers Qwen, Llama, Mistral, Gemma, Phi, the DeepSeek R1 distills and OLMo at several sizes, and small embedding models', () => {
    for (const family of ['Qwen', 'Llama', 'Mistral', 'Gemma', 'Phi', 'DeepSeek', 'OLMo']) {
      const sizes = new Set(catalog.filter((e) => e.family === family && e.kind === 'chat').map((e) => e.parameters));
      expect(sizes.size, family).toBeGreaterThanOrEqual(2);
    }
    const embedding = catalog.filter((e) => e.kind === 'embedding');
    expect(embedding.map((e) => e.id)).toEqual(
      expect.arrayContaining(['nomic-embed-text-v1.5', 'bge-small-en-v1.5', 'multilingual-e5-small', 'all-minilm-l6-v2']),
    );
    expect(embedding.every((e) => e.approxSizeBytes < 1e9)).toBe(true);
    expect(catalog.filter((e) => e.kind === 'chat' && e.approxSizeBytes < 1.5e9).length).toBeGreaterThanOrEqual(4);
  });

  it('files each model under the licence category its terms give', () => {
    const category = (id: string) => byId.get(id)?.license.category;
    expect(category('qwen3-8b')).toBe('permissive');
    expect(category('qwen2.5-3b-instruct')).toBe('non-commercial');
    expect(category('qwen2.5-72b-instruct')).toBe('restricted');
    expect(category('llama-3.1-8b-instruct')).toBe('restricted');
    expect(category('llama-3.2-1b-instruct')).toBe('restricted');
    expect(category('gemma-3-4b-it')).toBe('restricted');
    expect(category('mistral-7b-instruct-v0.3')).toBe('permissive');
    expect(category('ministral-8b-instruct')).toBe('non-commercial');
    expect(category('phi-4')).toBe('permissive');
    expect(category('deepseek-r1-distill-qwen-7b')).toBe('permissive');
    // The Llama distill inherits the Llama 3.1 licence of the model it was distilled into.
    expect(category('deepseek-r1-distill-llama-8b')).toBe('restricted');
    expect(category('olmo-2-7b-instruct')).toBe('open-source');
    expect(category('nomic-embed-text-v1.5')).toBe('open-source');
    for (const e of catalog.filter((x) => x.family === 'OLMo')) expect(e.license.category, e.id).toBe('open-source');
    for (const e of catalog.filter((x) => x.family === 'Llama')) expect(e.license.conditions.join(' '), e.id).toContain('700 million');
  });

  it('keeps only models whose licence allows commercial use when asked', () => {
    const commercial = catalogEntries(true);
    expect(commercial.length).toBeGreaterThan(0);
    expect(commercial.every((e) => e.license.commercialUse === true)).toBe(true);
    const dropped = catalog.filter((e) => !commercial.includes(e)).map((e) => e.id);
    expect(dropped.sort()).toEqual(['ministral-8b-instruct', 'qwen2.5-3b-instruct']);
    expect(catalogEntries(false)).toEqual(catalog);
  });

  it("keeps each embedding model's query and document prefixes as its card gives them", () => {
    const prefixes = (id: string) => byId.get(id)?.prefixes;
    expect(prefixes('bge-small-en-v1.5')).toEqual({ query: 'Represent this sentence for searching relevant passages: ', document: '' });
    expect(prefixes('nomic-embed-text-v1.5')).toEqual({ query: 'search_query: ', document: 'search_document: ' });
    expect(prefixes('multilingual-e5-small')).toEqual({ query: 'query: ', document: 'passage: ' });
    expect(prefixes('all-minilm-l6-v2')).toEqual({ query: '', document: '' });
    expect(prefixes('embeddinggemma-300m')).toEqual({ query: 'task: search result | query: ', document: 'title: none | text: ' });
    expect(prefixes('qwen3-embedding-0.6b')?.query).toMatch(/^Instruct: .+\nQuery:$/);
    expect(prefixes('qwen3-embedding-0.6b')?.document).toBe('');
    for (const e of catalog) expect(e.prefixes !== undefined, e.id).toBe(e.kind === 'embedding');
  });

  it('refuses an embedding model without prefixes and a chat model with them', () => {
    const embedding = { ...catalog.find((e) => e.id === 'nomic-embed-text-v1.5')!, license: 'apache-2.0' };
    const chat = { ...catalog.find((e) => e.id === 'qwen3-8b')!, license: 'apache-2.0' };
    const { prefixes: _, ...bare } = embedding;
    expect(() => loadCatalog({ version: 1, models: [bare] })).toThrow(/needs its prefixes/);
    expect(() => loadCatalog({ version: 1, models: [{ ...chat, prefixes: { query: 'q: ', document: '' } }] })).toThrow(
      /only an embedding model/,
    );
    expect(loadCatalog({ version: 1, models: [embedding, chat] }).map((e) => e.prefixes)).toEqual([embedding.prefixes, undefined]);
  });

  it('refuses a malformed catalog file, saying what is wrong', () => {
    expect(() => loadCatalog({ version: 1, models: [] })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    const entry = { ...catalog[0], license: 'mit' };
    expect(() => loadCatalog({ version: 1, models: [entry, entry] })).toThrow(/twice/);
    expect(() => loadCatalog({ version: 1, models: [{ ...entry, repo: 'not a repo' }] })).toThrow(/malformed/);
    expect(() => loadCatalog({ version: 2, models: [entry] })).toThrow(/malformed/);
  });
});
