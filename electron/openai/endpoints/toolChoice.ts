import type { ChatTurn, GenerateOptions } from '../../inference/protocol';
import { badRequest } from './errors';
import { type JsonSchema, toGrammarSchema } from './jsonSchemaSubset';
import type { Tool, ToolChoice } from './requests';

/**
 * How a request's tools reach the engine:
 * - `none`: no tools (none given, or `tool_choice: "none"`);
 * - `auto`: node-llama-cpp's function calling (the `functions` option): the model calls one if it wants to;
 * - `forced` (`required`, or a named function): the answer is constrained by a grammar to the JSON object
 *   `{"name": <one of the functions>, "arguments": <its parameters>}` through the `jsonSchema` option, so a call
 *   always comes back. The model is told about the tools in a system turn, as function calling would tell it.
 */
export type ToolPlan =
  | { kind: 'none' }
  | { kind: 'auto'; functions: NonNullable<GenerateOptions['functions']> }
  | { kind: 'forced'; jsonSchema: JsonSchema; instructions: string };

/** The parameters of a function that declares none: an empty object. */
const NO_PARAMETERS: JsonSchema = { type: 'object', properties: {}, additionalProperties: false };

export function planTools(tools: readonly Tool[] | null | undefined, choice: ToolChoice | null | undefined): ToolPlan {
  const list = tools ?? [];
  if (list.length === 0) {
    if (choice && choice !== 'none' && choice !== 'auto')
      throw badRequest('tool_choice', 'tool_choice asks for a tool call, but no tools were given.');
    return { kind: 'none' };
  }
  const mode = choice ?? 'auto';
  if (mode === 'none') return { kind: 'none' };
  const seen = new Set<string>();
  const params = list.map((t, i) => {
    if (seen.has(t.function.name)) throw badRequest(`tools[${i}].function.name`, `Two tools are named ${t.function.name}.`);
    seen.add(t.function.name);
    if (t.function.parameters === undefined) return undefined;
    const checked = toGrammarSchema(t.function.parameters);
    if (!checked.ok) {
      const at = `tools[${i}].function.parameters`;
      throw badRequest(at, `${at}: ${checked.problems.join('; ')}. ${SUBSET_NOTE}`, 'unsupported_schema');
    }
    return checked.schema;
  });
  if (mode === 'auto') {
    const functions: NonNullable<GenerateOptions['functions']> = {};
    list.forEach((t, i) => {
      const p = params[i];
      functions[t.function.name] = {
        ...(t.function.description !== undefined ? { description: t.function.description } : {}),
        ...(p ? { params: p } : {}),
      };
    });
    return { kind: 'auto', functions };
  }
  const chosen = mode === 'required' ? list.map((_, i) => i) : [indexOf(list, mode.function.name)];
  const alternatives = chosen.map((i) => ({
    type: 'object',
    properties: { name: { const: list[i]!.function.name }, arguments: params[i] ?? NO_PARAMETERS },
    required: ['name', 'arguments'],
    additionalProperties: false,
  }));
  return {
    kind: 'forced',
    jsonSchema: alternatives.length === 1 ? alternatives[0]! : { oneOf: alternatives },
    instructions: describeTools(chosen.map((i) => list[i]!)),
  };
}

/** Said after a schema's problems: what the grammar can do, so the fix is clear. */
export const SUBSET_NOTE =
  "Hearth constrains output with node-llama-cpp's JSON-schema grammars, which support type, enum, const, oneOf, $ref to $defs, " +
  'properties (every one required), additionalProperties, items, prefixItems, minItems/maxItems, minLength/maxLength and the ' +
  'date-time, time and date formats.';

function indexOf(tools: readonly Tool[], name: string): number {
  const i = tools.findIndex((t) => t.function.name === name);
  if (i < 0) {
    throw badRequest(
      'tool_choice',
      `tool_choice names the function ${name}, which is not among the tools (${tools.map((t) => t.function.name).join(', ')}).`,
    );
  }
  return i;
}

/** The system text that tells the model which tools it is calling and how a call is written. */
function describeTools(tools: readonly Tool[]): string {
  const lines = tools.map((t) => {
    const about = t.function.description ? `: ${t.function.description}` : '';
    return `- ${t.function.name}${about}\n  arguments (JSON schema): ${JSON.stringify(t.function.parameters ?? NO_PARAMETERS)}`;
  });
  const ask = tools.length === 1 ? `Call the tool ${tools[0]!.function.name}` : 'Call one of these tools';
  return `${ask}. Write the call as one JSON object: {"name": <the tool's name>, "arguments": <its arguments>}.\n\nTools:\n${lines.join('\n')}`;
}

/** Puts the tools' description in the first system turn, or in a system turn of its own before the chat. */
export function withInstructions(turns: readonly ChatTurn[], instructions: string): ChatTurn[] {
  const first = turns[0];
  if (first?.role === 'system') return [{ role: 'system', content: `${first.content}\n\n${instructions}` }, ...turns.slice(1)];
  return [{ role: 'system', content: instructions }, ...turns];
}

/** A forced call's text as `{ name, arguments }` (arguments as the JSON string OpenAI sends); null if it is not one. */
export function parseForcedCall(text: string): { name: string; arguments: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const name: unknown = Reflect.get(value, 'name');
  const args: unknown = Reflect.get(value, 'arguments');
  if (typeof name !== 'string' || args === undefined) return null;
  return { name, arguments: JSON.stringify(args) };
}
