import { getLlama, type Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toGrammarSchema } from '../../electron/openai/endpoints/jsonSchemaSubset';

/**
 * What the subset check passes, node-llama-cpp 3.21.1 must take as it is: it warns (and then changes the
 * schema) where it does not, so a pass that draws a warning would be a silently different grammar.
 */
let llama: Llama;
beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: 'never' });
});
afterAll(async () => {
  await llama.dispose();
});

const passing: Record<string, unknown> = {
  'every kind of node': {
    type: 'object',
    $defs: { point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'], additionalProperties: false } },
    properties: {
      when: { type: 'string', format: 'date-time' },
      name: { type: 'string', minLength: 1, maxLength: 12 },
      ok: { type: 'boolean' },
      either: { type: ['string', 'null'] },
      fixed: { const: 3 },
      level: { type: 'integer', enum: [1, 2, 3] },
      shape: { oneOf: [{ $ref: '#/$defs/point' }, { type: 'string' }] },
      pair: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], minItems: 2, maxItems: 4, items: { type: 'integer' } },
      bag: { type: 'object', additionalProperties: { type: 'integer' }, minProperties: 1, maxProperties: 4 },
      open: { type: 'object', properties: { a: { type: 'null' } }, required: ['a'] },
    },
    required: ['when', 'name', 'ok', 'either', 'fixed', 'level', 'shape', 'pair', 'bag', 'open'],
    additionalProperties: false,
  },
  'a recursive definition': {
    $defs: {
      node: {
        type: 'object',
        properties: { kids: { type: 'array', items: { $ref: '#/$defs/node' }, maxItems: 2 } },
        required: ['kids'],
        additionalProperties: false,
      },
    },
    $ref: '#/$defs/node',
  },
  'any JSON object (json_object)': { type: 'object' },
};

describe("node-llama-cpp's grammar for the schemas the subset check passes", () => {
  for (const [name, schema] of Object.entries(passing)) {
    it(`takes ${name} without a warning`, async () => {
      const checked = toGrammarSchema(schema);
      expect(checked.ok).toBe(true);
      if (!checked.ok) return;
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        const grammar = await llama.createGrammarForJsonSchema(checked.schema as never);
        expect(grammar.grammar.length).toBeGreaterThan(0);
        expect(warn).not.toHaveBeenCalled();
      } finally {
        warn.mockRestore();
      }
    });
  }

  it('warns for a schema the check refuses (the warning is what the check prevents)', async () => {
    const schema = { type: 'array', prefixItems: [{ type: 'string' }, { type: 'string' }], maxItems: 1 };
    expect(toGrammarSchema(schema).ok).toBe(false);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await llama.createGrammarForJsonSchema(schema as never);
      expect(warn).toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
