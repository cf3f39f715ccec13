import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../electron/openai/endpoints/errors';
import { parseForcedCall, planTools, withInstructions } from '../../../electron/openai/endpoints/toolChoice';
import type { Tool } from '../../../electron/openai/endpoints/requests';

const weather: Tool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: {
      type: 'object',
      properties: { city: { enum: ['Paris', 'Oslo'] }, metric: { type: 'boolean' } },
      required: ['city', 'metric'],
      additionalProperties: false,
    },
  },
};
const time: Tool = { type: 'function', function: { name: 'get_time' } };

/** The ApiError a call throws. */
function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('it did not throw');
}

describe('planTools', () => {
  it('gives no tools when none are given or tool_choice is none', () => {
    expect(planTools(undefined, undefined)).toEqual({ kind: 'none' });
    expect(planTools([], 'auto')).toEqual({ kind: 'none' });
    expect(planTools([weather], 'none')).toEqual({ kind: 'none' });
  });

  it('hands the functions to node-llama-cpp function calling for auto (the default)', () => {
    expect(planTools([weather, time], undefined)).toEqual({
      kind: 'auto',
      functions: {
        get_weather: { description: 'The weather in a city.', params: weather.function.parameters },
        get_time: {},
      },
    });
  });

  it('forces a named function with a grammar of its name and its parameters', () => {
    const plan = planTools([weather, time], { type: 'function', function: { name: 'get_weather' } });
    expect(plan).toMatchObject({
      kind: 'forced',
      jsonSchema: {
        type: 'object',
        properties: { name: { const: 'get_weather' }, arguments: weather.function.parameters },
        required: ['name', 'arguments'],
        additionalProperties: false,
      },
    });
    expect(plan.kind === 'forced' && plan.instructions).toMatch(/^Call the tool get_weather\. Write the call as one JSON object/);
  });

  it('forces one of all the functions for required, with empty arguments for a function that declares none', () => {
    const plan = planTools([weather, time], 'required');
    expect(plan.kind).toBe('forced');
    if (plan.kind !== 'forced') return;
    expect(plan.jsonSchema.oneOf).toEqual([
      expect.objectContaining({ properties: { name: { const: 'get_weather' }, arguments: weather.function.parameters } }),
      expect.objectContaining({
        properties: { name: { const: 'get_time' }, arguments: { type: 'object', properties: {}, additionalProperties: false } },
      }),
    ]);
    expect(plan.instructions).toContain('- get_weather: The weather in a city.');
    expect(plan.instructions).toContain('- get_time\n');
  });

  it('refuses a named function that is not among the tools, and a forced choice without tools', () => {
    const e = refusal(() => planTools([weather], { type: 'function', function: { name: 'launch' } }));
    expect(e).toMatchObject({ status: 400, param: 'tool_choice' });
    expect(e.message).toBe('tool_choice names the function launch, which is not among the tools (get_weather).');
    expect(refusal(() => planTools([], 'required')).param).toBe('tool_choice');
  });

  it('refuses parameters outside the grammar subset, naming the tool and the part', () => {
    const bad: Tool = {
      type: 'function',
      function: { name: 'f', parameters: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'] } },
    };
    const e = refusal(() => planTools([weather, bad], 'auto'));
    expect(e).toMatchObject({ status: 400, param: 'tools[1].function.parameters', code: 'unsupported_schema' });
    expect(e.message).toMatch(/^tools\[1\]\.function\.parameters: properties\.n\.minimum is not supported\. Hearth constrains/);
  });

  it('refuses two tools with one name', () => {
    expect(refusal(() => planTools([time, time], 'auto')).message).toBe('Two tools are named get_time.');
  });
});

describe('withInstructions', () => {
  it('adds the tools to the first system turn, or puts a system turn first', () => {
    expect(
      withInstructions(
        [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        'TOOLS',
      ),
    ).toEqual([
      { role: 'system', content: 'Be brief.\n\nTOOLS' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(withInstructions([{ role: 'user', content: 'Hi' }], 'TOOLS')).toEqual([
      { role: 'system', content: 'TOOLS' },
      { role: 'user', content: 'Hi' },
    ]);
  });
});

describe('parseForcedCall', () => {
  it('reads the name and gives the arguments back as a JSON string', () => {
    expect(parseForcedCall('{"name": "get_weather", "arguments": {"city": "Oslo", "metric": true}}\n\n')).toEqual({
      name: 'get_weather',
      arguments: '{"city":"Oslo","metric":true}',
    });
  });

  it('gives null for text that is not a whole call (a limit cut it short)', () => {
    expect(parseForcedCall('{"name": "get_weather", "argu')).toBeNull();
    expect(parseForcedCall('[1]')).toBeNull();
    expect(parseForcedCall('{"arguments": {}}')).toBeNull();
  });
});
