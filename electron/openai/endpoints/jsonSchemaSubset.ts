/**
 * node-llama-cpp 3.21.1 turns a JSON schema into a grammar (`createGrammarForJsonSchema`), but only a subset of
 * JSON Schema, and it reads that subset its own way: it writes every property whether `required` lists it or not,
 * it takes a missing `additionalProperties` as false where JSON Schema takes it as true, it ignores every keyword
 * it does not know (`anyOf`, `pattern`, `minimum`...), and a schema with no type becomes `null`. Handing it an
 * arbitrary schema would quietly constrain the model to something else. So each schema is checked here first:
 * inside the subset it goes to the engine with nothing left implicit; outside it, the caller gets a 400 that
 * names each unsupported part by its path (`properties.age.anyOf is not supported`).
 *
 * What passes (read off node-llama-cpp's `GbnfJsonSchema` type and `getGbnfJsonTerminalForGbnfJsonSchema`):
 * - `type` string (with `minLength`/`maxLength`, or `format` date-time, time or date), number, integer, boolean,
 *   null, or a list of those; `enum` and `const` of strings, numbers, booleans and null;
 * - objects with `properties` (every one listed in `required`), `additionalProperties` (false, true or a schema;
 *   left out it means true, as in JSON Schema) and `minProperties`/`maxProperties`;
 * - arrays with `items`, `prefixItems` (each one written: `minItems` at least their count), `minItems`, `maxItems`;
 * - `oneOf`; `$ref` to `#/$defs/<name>` defined on the node or above it (recursion included);
 * - annotations anywhere: title, description, $schema, $id, $comment, examples, default, deprecated, readOnly,
 *   writeOnly.
 */

export type JsonSchema = Record<string, unknown>;

export type SchemaCheck = { ok: true; schema: JsonSchema } | { ok: false; problems: string[] };

const ANNOTATIONS = new Set([
  'title',
  'description',
  '$schema',
  '$id',
  '$comment',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
const BASIC_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const FORMATS = new Set(['date-time', 'time', 'date']);
const REF_PREFIX = '#/$defs/';
/** Deeper than this is refused rather than walked (node-llama-cpp gives up at 512 scopes). */
const MAX_DEPTH = 64;

/** The keywords each kind of node may carry besides the annotations. */
const ALLOWED: Record<Kind, ReadonlySet<string>> = {
  ref: new Set(['$ref', '$defs']),
  oneOf: new Set(['oneOf', '$defs']),
  literal: new Set(['const', 'enum', 'type']),
  object: new Set(['type', 'properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties', '$defs']),
  array: new Set(['type', 'items', 'prefixItems', 'minItems', 'maxItems', '$defs']),
  string: new Set(['type', 'minLength', 'maxLength', 'format']),
  basic: new Set(['type']),
};

/** Where a keyword that is fine elsewhere is not (node-llama-cpp would ignore it there). */
const PLACE: Record<Kind, string> = {
  ref: 'beside $ref',
  oneOf: 'beside oneOf: put it in each alternative',
  literal: 'beside enum or const',
  object: 'on an object',
  array: 'on an array',
  string: 'on a string',
  basic: 'on this type',
};

/** Every keyword some kind of node may carry. */
const KNOWN = new Set(Object.values(ALLOWED).flatMap((keys) => [...keys]));

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isLiteral = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Checks `schema` against node-llama-cpp's subset; returns the schema to give the engine, or every problem found. */
export function toGrammarSchema(schema: unknown): SchemaCheck {
  const problems: string[] = [];
  const out = walk(schema, [], new Set(), problems, 0);
  return problems.length === 0 && isObject(out) ? { ok: true, schema: out } : { ok: false, problems };
}

/** A path as people read it: `properties.tags.items.pattern`; the root itself is "the schema". */
function where(path: readonly string[]): string {
  return path.length === 0 ? 'the schema' : path.join('.');
}

function walk(node: unknown, path: string[], defs: ReadonlySet<string>, problems: string[], depth: number): unknown {
  const say = (p: string[], text: string): void => void problems.push(`${where(p)} ${text}`);
  if (depth > MAX_DEPTH) {
    say(path, `is nested more than ${MAX_DEPTH} levels deep`);
    return node;
  }
  if (!isObject(node)) {
    say(path, typeof node === 'boolean' ? 'is a true/false schema, which is not supported: give a type' : 'must be a JSON schema object');
    return node;
  }
  const kind = kindOf(node);
  const before = problems.length;
  // Unknown keywords first: they are what node-llama-cpp would drop without a word. Without a kind, a keyword
  // that needs a type (properties, items...) is not the problem: the missing type is, said below.
  for (const key of Object.keys(node)) {
    if (ANNOTATIONS.has(key) || (kind ? ALLOWED[kind].has(key) : KNOWN.has(key))) continue;
    say(
      [...path, key],
      key === 'definitions'
        ? 'is not supported: put shared schemas under $defs'
        : kind && KNOWN.has(key)
          ? `is not supported ${PLACE[kind]}`
          : 'is not supported',
    );
  }
  // Definitions are in scope on the node that declares them and below it, as node-llama-cpp resolves them.
  const scope = new Set(defs);
  let ownDefs: JsonSchema | undefined;
  if (node.$defs !== undefined) {
    if (!isObject(node.$defs)) say([...path, '$defs'], 'must be an object of schemas');
    else {
      for (const name of Object.keys(node.$defs)) scope.add(name);
      ownDefs = {};
      for (const [name, def] of Object.entries(node.$defs)) ownDefs[name] = walk(def, [...path, '$defs', name], scope, problems, depth + 1);
    }
  }
  const withDefs = (n: JsonSchema): JsonSchema => (ownDefs ? { ...n, $defs: ownDefs } : n);
  const child = (v: unknown, ...rest: string[]): unknown => walk(v, [...path, ...rest], scope, problems, depth + 1);

  switch (kind) {
    case 'ref': {
      const ref = node.$ref;
      if (typeof ref !== 'string' || !ref.startsWith(REF_PREFIX)) say([...path, '$ref'], `must point into $defs (${REF_PREFIX}<name>)`);
      else if (!scope.has(ref.slice(REF_PREFIX.length))) say([...path, '$ref'], `points to ${ref}, which no $defs here or above defines`);
      return withDefs({ ...node });
    }
    case 'oneOf': {
      if (!Array.isArray(node.oneOf) || node.oneOf.length === 0) {
        say([...path, 'oneOf'], 'must be a list of at least one schema');
        return node;
      }
      return withDefs({ ...node, oneOf: node.oneOf.map((alt, i) => child(alt, 'oneOf', String(i))) });
    }
    case 'literal':
      checkLiteral(node, path, say);
      return { ...node };
    case 'object':
      return withDefs(checkObject(node, path, say, child));
    case 'array':
      return withDefs(checkArray(node, path, say, child));
    case 'string':
      checkString(node, path, say);
      return { ...node };
    case 'basic':
      checkTypeList(node.type, path, say);
      return { ...node };
    case null:
      if (problems.length === before)
        say(path, 'needs a type (or enum, const, oneOf or $ref): without one node-llama-cpp would write null');
      return node;
    default:
      return kind satisfies never;
  }
}

type Kind = 'ref' | 'oneOf' | 'literal' | 'object' | 'array' | 'string' | 'basic';

/** The branch node-llama-cpp takes for a node, in its own order ($ref, oneOf, const, enum, then type). */
function kindOf(node: JsonSchema): Kind | null {
  if ('$ref' in node) return 'ref';
  if ('oneOf' in node) return 'oneOf';
  if ('const' in node || 'enum' in node) return 'literal';
  if (node.type === 'object') return 'object';
  if (node.type === 'array') return 'array';
  if (node.type === 'string') return 'string';
  if (node.type !== undefined) return 'basic';
  return null;
}

type Say = (path: string[], text: string) => void;

function checkLiteral(node: JsonSchema, path: string[], say: Say): void {
  const values: unknown[] = [];
  if ('const' in node && 'enum' in node) say([...path, 'enum'], 'beside const is not supported: give one or the other');
  if ('const' in node) {
    if (!isLiteral(node.const)) say([...path, 'const'], 'must be a string, number, boolean or null');
    else values.push(node.const);
  } else if (!Array.isArray(node.enum) || node.enum.length === 0) {
    say([...path, 'enum'], 'must be a list of at least one value');
  } else {
    node.enum.forEach((v, i) => {
      if (!isLiteral(v)) say([...path, 'enum', String(i)], 'must be a string, number, boolean or null');
      else values.push(v);
    });
  }
  // node-llama-cpp writes the listed values and ignores `type`: a value the type rules out would slip through.
  if (node.type === undefined) return;
  const types = checkTypeList(node.type, path, say);
  for (const v of values) {
    if (!types.some((t) => matchesType(v, t))) say([...path, 'type'], `does not allow the listed value ${JSON.stringify(v)}`);
  }
}

function checkObject(node: JsonSchema, path: string[], say: Say, child: (v: unknown, ...rest: string[]) => unknown): JsonSchema {
  const out: JsonSchema = { ...node };
  const props = node.properties ?? {};
  if (!isObject(props)) {
    say([...path, 'properties'], 'must be an object of schemas');
    return out;
  }
  const required = node.required ?? [];
  if (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))
    say([...path, 'required'], 'must be a list of property names');
  else {
    for (const name of required) if (!(name in props)) say([...path, 'required'], `names "${String(name)}", which is not in properties`);
    for (const name of Object.keys(props)) {
      if (!required.includes(name)) {
        say(
          [...path, 'properties', name],
          'is optional, which is not supported: node-llama-cpp writes every property, so list each in required',
        );
      }
    }
  }
  out.properties = Object.fromEntries(Object.entries(props).map(([name, p]) => [name, child(p, 'properties', name)]));
  const extra = node.additionalProperties;
  // JSON Schema's default is true; node-llama-cpp's is false: say it, so the grammar allows what the schema does.
  if (extra === undefined || extra === true) out.additionalProperties = true;
  else if (extra !== false) out.additionalProperties = child(extra, 'additionalProperties');
  const count = Object.keys(props).length;
  const min = node.minProperties;
  const max = node.maxProperties;
  if (min !== undefined && !isCount(min)) say([...path, 'minProperties'], 'must be a whole number, 0 or more');
  if (max !== undefined && !isCount(max)) say([...path, 'maxProperties'], 'must be a whole number, 0 or more');
  if (isCount(max) && max < count) say([...path, 'maxProperties'], `is less than the ${count} properties, which are all written`);
  if (isCount(min) && isCount(max) && min > max) say([...path, 'minProperties'], 'is more than maxProperties');
  if (extra === false && isCount(min) && min > count) say([...path, 'minProperties'], `asks for more than the ${count} properties allowed`);
  return out;
}

function checkArray(node: JsonSchema, path: string[], say: Say, child: (v: unknown, ...rest: string[]) => unknown): JsonSchema {
  const out: JsonSchema = { ...node };
  if (Array.isArray(node.items)) say([...path, 'items'], 'as a list is not supported: use prefixItems');
  else if (node.items !== undefined) out.items = child(node.items, 'items');
  let prefix = 0;
  if (node.prefixItems !== undefined) {
    if (!Array.isArray(node.prefixItems)) say([...path, 'prefixItems'], 'must be a list of schemas');
    else {
      prefix = node.prefixItems.length;
      out.prefixItems = node.prefixItems.map((p, i) => child(p, 'prefixItems', String(i)));
    }
  }
  const min = node.minItems;
  const max = node.maxItems;
  if (min !== undefined && !isCount(min)) say([...path, 'minItems'], 'must be a whole number, 0 or more');
  if (max !== undefined && !isCount(max)) say([...path, 'maxItems'], 'must be a whole number, 0 or more');
  if (isCount(min) && isCount(max) && min > max) say([...path, 'minItems'], 'is more than maxItems');
  if (prefix > 0 && (!isCount(min) || min < prefix)) {
    say([...path, 'minItems'], `must be at least ${prefix}: node-llama-cpp writes every one of the prefixItems`);
  }
  if (isCount(max) && max < prefix) say([...path, 'maxItems'], `is less than the ${prefix} prefixItems`);
  return out;
}

function checkString(node: JsonSchema, path: string[], say: Say): void {
  if (node.format !== undefined) {
    if (typeof node.format !== 'string' || !FORMATS.has(node.format)) {
      say([...path, 'format'], `${JSON.stringify(node.format)} is not supported: only date-time, time and date are`);
    }
    for (const key of ['minLength', 'maxLength']) if (key in node) say([...path, key], 'beside format is not supported');
    return;
  }
  const min = node.minLength;
  const max = node.maxLength;
  if (min !== undefined && !isCount(min)) say([...path, 'minLength'], 'must be a whole number, 0 or more');
  if (max !== undefined && !isCount(max)) say([...path, 'maxLength'], 'must be a whole number, 0 or more');
  if (isCount(min) && isCount(max) && min > max) say([...path, 'minLength'], 'is more than maxLength');
}

/** `type` as one basic type or a list of them; returns the types it names. */
function checkTypeList(type: unknown, path: string[], say: Say): string[] {
  const several = Array.isArray(type);
  const list: unknown[] = several ? type : [type];
  if (list.length === 0) say([...path, 'type'], 'must name at least one type');
  const types: string[] = [];
  for (const t of list) {
    const named = typeof t === 'string' ? `"${t}"` : JSON.stringify(t);
    if (typeof t === 'string' && BASIC_TYPES.has(t)) types.push(t);
    else if (t === 'object' || t === 'array') {
      // A single object or array type beside enum/const: no listed value can match it (matchesType says so).
      if (several) say([...path, 'type'], `lists ${named} among several types, which is not supported: use oneOf`);
      else types.push(t);
    } else say([...path, 'type'], `${named} is not a type (string, number, integer, boolean, null, object or array)`);
  }
  return types;
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}
