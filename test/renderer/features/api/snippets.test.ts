import { describe, expect, it } from 'vitest';
import { baseUrlFor, MODEL_PLACEHOLDER, usageSnippets } from '../../../../renderer/features/api/snippets';
import { apiModelId } from '../../../../shared/api';

describe('the how-to-use snippets', () => {
  const base = 'http://127.0.0.1:9123/v1';

  it('carry the real address and read the key from the environment, never holding it', () => {
    const snippets = usageSnippets(base, null);
    expect(snippets.map((s) => s.id)).toEqual(['curl', 'node', 'python']);
    for (const s of snippets) {
      expect(s.code).toContain(base);
      expect(s.code).toContain('HEARTH_API_KEY');
      expect(s.code).toContain(`"${MODEL_PLACEHOLDER}"`);
    }
    const node = snippets.find((s) => s.id === 'node')!.code;
    expect(node).toContain(`baseURL: '${base}'`);
    const curl = snippets.find((s) => s.id === 'curl')!.code;
    expect(curl).toContain(`curl ${base}/chat/completions`);
    expect(curl).toContain('-H "Authorization: Bearer $HEARTH_API_KEY"');
  });

  it('name the model they are given, quoted so any name is valid JSON and code', () => {
    const curl = usageSnippets(base, 'my "odd" model.gguf')[0]!.code;
    const body = curl.slice(curl.indexOf("-d '") + 4, curl.lastIndexOf("'"));
    expect(JSON.parse(body)).toEqual({ model: 'my "odd" model.gguf', messages: [{ role: 'user', content: 'Hello' }] });
  });

  it("use the running server's address, or the one it will have on its port", () => {
    expect(baseUrlFor({ baseUrl: 'http://127.0.0.1:5000/v1', port: 5000 })).toBe('http://127.0.0.1:5000/v1');
    expect(baseUrlFor({ baseUrl: null, port: 8642 })).toBe('http://127.0.0.1:8642/v1');
  });
});

describe("a model's API id", () => {
  it('is its file name without .gguf or the split-part suffix, as /v1/models lists it', () => {
    expect(apiModelId('/models/qwen2.5-0.5b-instruct-q4_k_m.gguf')).toBe('qwen2.5-0.5b-instruct-q4_k_m');
    expect(apiModelId('C:\\models\\Big-Model-Q4-00001-of-00003.GGUF')).toBe('Big-Model-Q4');
    expect(apiModelId('plain-name')).toBe('plain-name');
  });
});
