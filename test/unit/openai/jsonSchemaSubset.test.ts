import { describe, expect, it } from 'vitest';
import { toGrammarSchema } from '../../../electron/openai/endpoints/jsonSchemaSubset';

/** The problems a schema outside the subset gets (empty when it passes). */
const problems = (schema: unknown): string[] => {
  const r = toGrammarSchema(schema);
  return r.ok ? [] : r.problems;
};

const person = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 20 },
    age: { type: 'integer' },
    mood: { enum: ['calm', 'busy'] },
    tags: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 3 },
  },
  required: ['name', 'age', 'mood', 'tags'],
  additionalProperties: false,
};

describe('toGrammarSchema', () => {
  it('passes a schema inside the subset unchanged, keeping annotations', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'Person', ...person };
    expect(toGrammarSchema(schema)).toEqual({ ok: true, schema });
  });

  it('passes every kind of node node-llama-cpp supports', () => {
    const schema = {
      type: 'object',
      $defs: { point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'], additionalProperties: false } },
      properties: {
        when: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        ok: { type: 'boolean' },
        nothing: { type: 'null' },
        either: { type: ['string', 'null'] },
        fixed: { const: 3 },
        level: { type: 'integer', enum: [1, 2, 3] },
        shape: { oneOf: [{ $ref: '#/$defs/point' }, { type: 'string', description: 'a name' }] },
        pair: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], minItems: 2, maxItems: 2 },
        bag: { type: 'object', additionalProperties: { type: 'integer' }, minProperties: 1, maxProperties: 4 },
      },
      required: ['when', 'day', 'ok', 'nothing', 'either', 'fixed', 'level', 'shape', 'pair', 'bag'],
      additionalProperties: false,
    };
    expect(problems(schema)).toEqual([]);
  });

  it('allows a recursive reference to a definition', () => {
    const tree = {
      $defs: {
        node: {
          type: 'object',
          properties: { kids: { type: 'array', items: { $ref: '#/$defs/node' }, maxItems: 2 } },
          required: ['kids'],
          additionalProperties: false,
        },
      },
      $ref: '#/$defs/node',
    };
    expect(problems(tree)).toEqual([]);
  });

  it('states additionalProperties: true where the schema leaves it out, as JSON Schema reads it', () => {
    const r = toGrammarSchema({ type: 'object', properties: { a: { type: 'object' } }, required: ['a'] });
    expect(r).toEqual({
      ok: true,
      schema: {
        type: 'object',
        properties: { a: { type: 'object', properties: {}, additionalProperties: true } },
        required: ['a'],
        additionalProperties: true,
      },
    });
  });

  it('names anyOf, allOf, not and pattern by their path', () => {
    const schema = {
      type: 'object',
      properties: {
        age: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        both: { allOf: [{ type: 'string' }] },
        code: { type: 'string', pattern: '^[A-Z]+$' },
        never: { type: 'string', not: { const: 'x' } },
      },
      required: ['age', 'both', 'code', 'never'],
      additionalProperties: false,
    };
    expect(problems(schema)).toEqual([
      'properties.age.anyOf is not supported',
      'properties.both.allOf is not supported',
      'properties.code.pattern is not supported',
      'properties.never.not is not supported',
    ]);
  });

  it('refuses an optional property: node-llama-cpp would write it anyway', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      required: ['a'],
      additionalProperties: false,
    };
    expect(problems(schema)).toEqual([
      'properties.b is optional, which is not supported: node-llama-cpp writes every property, so list each in required',
    ]);
    expect(problems({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false })).toHaveLength(1);
  });

  it('refuses a required name that is not a property', () => {
    expect(problems({ type: 'object', properties: {}, required: ['ghost'], additionalProperties: false })).toEqual([
      'required names "ghost", which is not in properties',
    ]);
  });

  it('refuses number bounds, which the grammar cannot keep', () => {
    expect(problems({ type: 'integer', minimum: 0, maximum: 120 })).toEqual(['minimum is not supported', 'maximum is not supported']);
    expect(problems({ type: 'number', multipleOf: 2 })).toEqual(['multipleOf is not supported']);
  });

  it('refuses a string format other than date-time, time and date, and lengths beside a format', () => {
    expect(problems({ type: 'string', format: 'email' })).toEqual(['format "email" is not supported: only date-time, time and date are']);
    expect(problems({ type: 'string', format: 'date', maxLength: 4 })).toEqual(['maxLength beside format is not supported']);
  });

  it('refuses a node without a type, which node-llama-cpp would turn into null', () => {
    expect(problems({ description: 'anything' })).toEqual([
      'the schema needs a type (or enum, const, oneOf or $ref): without one node-llama-cpp would write null',
    ]);
    expect(problems({ type: 'object', properties: { a: { properties: {} } }, required: ['a'] })).toEqual([
      'properties.a needs a type (or enum, const, oneOf or $ref): without one node-llama-cpp would write null',
    ]);
  });

  it('refuses objects and arrays in a list of types, and unknown types', () => {
    expect(problems({ type: ['object', 'null'] })).toEqual(['type lists "object" among several types, which is not supported: use oneOf']);
    expect(problems({ type: 'date' })).toEqual(['type "date" is not a type (string, number, integer, boolean, null, object or array)']);
  });

  it('refuses keywords node-llama-cpp would ignore beside oneOf, $ref and enum', () => {
    expect(problems({ type: 'string', oneOf: [{ type: 'string' }] })).toEqual([
      'type is not supported beside oneOf: put it in each alternative',
    ]);
    expect(problems({ $defs: { a: { type: 'string' } }, $ref: '#/$defs/a', maxLength: 3 })).toEqual([
      'maxLength is not supported beside $ref',
    ]);
    expect(problems({ enum: ['a', 'b'], minLength: 1 })).toEqual(['minLength is not supported beside enum or const']);
    expect(problems({ type: 'string', items: { type: 'string' } })).toEqual(['items is not supported on a string']);
  });

  it('refuses an enum whose type rules out one of its values, and enum values that are not literals', () => {
    expect(problems({ type: 'string', enum: ['a', 1] })).toEqual(['type does not allow the listed value 1']);
    expect(problems({ enum: [{ a: 1 }] })).toEqual(['enum.0 must be a string, number, boolean or null']);
    expect(problems({ enum: [] })).toEqual(['enum must be a list of at least one value']);
  });

  it('refuses a reference outside $defs or to a definition that is not in scope', () => {
    expect(problems({ $ref: '#/definitions/a', definitions: { a: { type: 'string' } } })).toEqual([
      'definitions is not supported: put shared schemas under $defs',
      '$ref must point into $defs (#/$defs/<name>)',
    ]);
    const sibling = {
      type: 'object',
      properties: {
        a: { type: 'array', $defs: { x: { type: 'string' } }, items: { $ref: '#/$defs/x' } },
        b: { $ref: '#/$defs/x' },
      },
      required: ['a', 'b'],
      additionalProperties: false,
    };
    expect(problems(sibling)).toEqual(['properties.b.$ref points to #/$defs/x, which no $defs here or above defines']);
  });

  it('refuses array bounds node-llama-cpp would change, and tuple items as a list', () => {
    expect(problems({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'string' }] })).toEqual([
      'minItems must be at least 2: node-llama-cpp writes every one of the prefixItems',
    ]);
    expect(problems({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'string' }], minItems: 2, maxItems: 1 })).toEqual([
      'minItems is more than maxItems',
      'maxItems is less than the 2 prefixItems',
    ]);
    expect(problems({ type: 'array', items: [{ type: 'string' }] })).toEqual(['items as a list is not supported: use prefixItems']);
    expect(problems({ type: 'array', uniqueItems: true })).toEqual(['uniqueItems is not supported']);
  });

  it('refuses string and object bounds that contradict each other', () => {
    expect(problems({ type: 'string', minLength: 5, maxLength: 2 })).toEqual(['minLength is more than maxLength']);
    expect(problems({ type: 'string', maxLength: -1 })).toEqual(['maxLength must be a whole number, 0 or more']);
    const obj = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a', 'b'] };
    expect(problems({ ...obj, maxProperties: 1 })).toEqual(['maxProperties is less than the 2 properties, which are all written']);
    expect(problems({ ...obj, additionalProperties: false, minProperties: 3 })).toEqual([
      'minProperties asks for more than the 2 properties allowed',
    ]);
  });

  it('refuses true/false schemas and non-objects', () => {
    expect(problems(true)).toEqual(['the schema is a true/false schema, which is not supported: give a type']);
    expect(problems('string')).toEqual(['the schema must be a JSON schema object']);
    expect(problems({ type: 'object', properties: { a: false }, required: ['a'] })).toEqual([
      'properties.a is a true/false schema, which is not supported: give a type',
    ]);
  });

  it('reports problems inside definitions, oneOf alternatives and array items with their paths', () => {
    const schema = {
      type: 'object',
      $defs: { d: { type: 'string', pattern: 'x' } },
      properties: {
        list: { type: 'array', items: { type: 'number', minimum: 1 } },
        alt: { oneOf: [{ type: 'string' }, { type: 'string', format: 'uri' }] },
      },
      required: ['list', 'alt'],
    };
    expect(problems(schema)).toEqual([
      '$defs.d.pattern is not supported',
      'properties.list.items.minimum is not supported',
      'properties.alt.oneOf.1.format "uri" is not supported: only date-time, time and date are',
    ]);
  });

  it('refuses a schema nested deeper than it walks', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 70; i++) deep = { type: 'array', items: deep };
    expect(problems(deep)[0]).toMatch(/is nested more than 64 levels deep$/);
  });
});
