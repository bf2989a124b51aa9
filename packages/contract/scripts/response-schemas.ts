// Compiles the response and event schemas the browser checks into JSON Schema data, written to
// src/generated/response-schemas.ts by `npm run build` (scripts/build-response-schemas.ts). The zod
// schemas stay the single source of truth; the browser gets plain data and src/check.ts, never zod.
// Anything the checker could not enforce exactly as zod's `safeParse` does fails the build here, instead
// of being waved through in the browser: refinements, transforms and defaults, unknown keywords, a
// `format` without the `pattern` zod checks it with, non-primitive `enum`/`const` values.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { JsonSchema } from '../src/check.js';
import * as contract from '../src/index.js';
import { z } from '../src/index.js';
import { array, nullable, object, record } from '../src/schema-builders.js';

/** Every schema the SDK parses a response, an event or a session token with. */
export const RESPONSE_SCHEMAS = {
  WidgetBootstrap: contract.WidgetBootstrap,
  Balances: contract.Balances,
  Quote: contract.Quote,
  Purchase: contract.Purchase,
  PlanChange: contract.PlanChange,
  AutoRefill: contract.AutoRefill,
  CreditRequest: contract.CreditRequest,
  LedgerPage: contract.LedgerPage,
  UsageSeries: contract.UsageSeries,
  StreamEvent: contract.StreamEvent,
  ErrorBody: contract.ErrorBody,
  /** A session token's `expiresAt` (the token itself is checked by the SDK). */
  Timestamp: contract.Timestamp,
} as const;

export const GENERATED_PATH = fileURLToPath(new URL('../src/generated/response-schemas.ts', import.meta.url));

type Json = Record<string, unknown>;

/**
 * Checks `z.toJSONSchema` turns into keywords (the keyword list below then decides). Any other is refused:
 * a refinement, for one, would be dropped silently.
 */
const REPRESENTED_CHECKS = new Set([
  'less_than',
  'greater_than',
  'number_format',
  'min_length',
  'max_length',
  'length_equals',
  'string_format',
]);
/** Keywords src/check.ts enforces. */
const KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'minimum',
  'maximum',
  'pattern',
  'format',
  'items',
  'properties',
  'required',
  'propertyNames',
  'additionalProperties',
]);
/** Annotations: nothing to check, left out to keep the browser's copy small. */
const ANNOTATIONS = new Set(['$schema', 'description', 'title', 'examples', 'deprecated']);
const TYPES = new Set(['string', 'integer', 'boolean', 'null', 'array', 'object']);
/** Keywords whose value is a schema, a list of schemas or a map of schemas. */
const SUBSCHEMA = new Set(['items', 'propertyNames', 'additionalProperties']);
const SUBSCHEMAS = new Set(['anyOf', 'oneOf']);
const SCHEMA_MAP = new Set(['properties']);

function toJson(schema: z.ZodMiniType, io: 'input' | 'output', name: string): Json {
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'throw',
    override: ({ zodSchema, path }) => {
      const at = `${name} at /${path.join('/')}`;
      const checks = (zodSchema._zod.def.checks ?? []).map((check) => check._zod.def);
      for (const { check } of checks) {
        if (!REPRESENTED_CHECKS.has(check)) throw new Error(`${at}: the browser cannot enforce a "${check}" check`);
      }
      // JSON Schema keeps a pattern's source, not its flags: the checker compiles it without any.
      for (const def of [zodSchema._zod.def, ...checks] as { pattern?: unknown }[]) {
        if (def.pattern instanceof RegExp && def.pattern.flags) {
          throw new Error(`${at}: pattern ${def.pattern} has flags, which JSON Schema cannot carry`);
        }
      }
    },
  }) as Json;
}

/** `additionalProperties: false` marks output objects (zod strips unknown keys); parsing accepts them. */
const withoutClosedObjects = (json: unknown): unknown =>
  JSON.parse(JSON.stringify(json), (key, value) =>
    key === 'additionalProperties' && value === false ? undefined : value,
  );

const isPrimitive = (value: unknown): boolean =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** Drops annotations and refuses what src/check.ts does not enforce. */
function normalize(node: unknown, where: string): JsonSchema {
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw new Error(`${where}: not a schema object`);
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key)) continue;
    if (!KEYWORDS.has(key)) throw new Error(`${where}: keyword "${key}" is not supported by src/check.ts`);
    const at = `${where}/${key}`;
    if (key === 'additionalProperties' && value === false) {
      throw new Error(`${at}: a strict object; the browser parses responses as z.object does (unknown keys allowed)`);
    }
    if (SUBSCHEMA.has(key)) out[key] = normalize(value, at);
    else if (SUBSCHEMAS.has(key)) out[key] = (value as unknown[]).map((v, i) => normalize(v, `${at}/${i}`));
    else if (SCHEMA_MAP.has(key)) {
      out[key] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, normalize(v, `${at}/${k}`)]));
    } else out[key] = value;
  }
  const { type, format, pattern } = out as JsonSchema;
  for (const t of type === undefined ? [] : ([] as string[]).concat(type)) {
    if (!TYPES.has(t)) throw new Error(`${where}: type "${t}" is not supported`);
  }
  if (format !== undefined && pattern === undefined) {
    throw new Error(`${where}: format "${format}" without a pattern cannot be checked in the browser`);
  }
  if ('const' in out && !isPrimitive(out.const)) throw new Error(`${where}: const must be a primitive`);
  if (out.enum && !(out.enum as unknown[]).every(isPrimitive)) throw new Error(`${where}: enum must list primitives`);
  return out as JsonSchema;
}

/**
 * The browser's JSON Schema of a schema: what `safeParse` accepts (`io: 'input'`, so unknown keys are
 * allowed), checked to be the output schema too (no transform or default changes the value). Throws on
 * anything src/check.ts could not enforce as zod does.
 */
export function browserJsonSchema(schema: z.ZodMiniType, name: string): JsonSchema {
  const input = toJson(schema, 'input', name);
  const output = toJson(schema, 'output', name);
  if (JSON.stringify(withoutClosedObjects(input)) !== JSON.stringify(withoutClosedObjects(output))) {
    throw new Error(`${name}: parsing changes the value (transform or default): the browser cannot reproduce it`);
  }
  return normalize(input, name);
}

export function responseJsonSchemas(): Record<keyof typeof RESPONSE_SCHEMAS, JsonSchema> {
  const entries = Object.entries(RESPONSE_SCHEMAS).map(([name, schema]) => [name, browserJsonSchema(schema, name)]);
  return Object.fromEntries(entries) as Record<keyof typeof RESPONSE_SCHEMAS, JsonSchema>;
}

// ---- emitting TypeScript: identical subschemas are written once and shared by reference

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Names for shared subschemas: the contract's own names where a subschema is one of its exports. */
function contractNames(): Map<string, string> {
  const names = new Map<string, string>();
  const add = (name: string, schema: unknown): void => {
    if (!schema || typeof schema !== 'object' || !('_zod' in schema)) return;
    let key: string;
    try {
      key = JSON.stringify(browserJsonSchema(schema as z.ZodMiniType, name));
    } catch {
      return; // a request schema the browser never checks
    }
    if (!names.has(key)) names.set(key, name);
  };
  for (const [name, schema] of Object.entries(RESPONSE_SCHEMAS)) add(name, schema);
  for (const [name, schema] of Object.entries(contract)) add(name, schema);
  for (const [name, schema] of Object.entries(contract.Id)) add(`${name}Id`, schema);
  return names;
}

/**
 * Names for shared scalars by what they accept: many contract names share one JSON Schema (every
 * `z.int().check(z.minimum(0))` looks like `Millicredits`), and `seconds: Millicredits` would mislead.
 */
function plainName(node: JsonSchema, nameOf: (node: JsonSchema) => string): string | undefined {
  const keys = Object.keys(node).join();
  const { type, minimum, maximum, anyOf } = node;
  if (keys === 'type') {
    const [first, ...rest] = ([] as string[]).concat(type ?? []);
    return rest.length ? first + rest.map((t) => `Or${t[0]?.toUpperCase()}${t.slice(1)}`).join('') : `${first}Value`;
  }
  if (keys === 'type,minimum,maximum' && type === 'integer' && maximum === Number.MAX_SAFE_INTEGER) {
    return minimum === 0
      ? 'nonNegativeInteger'
      : minimum === 1
        ? 'positiveInteger'
        : minimum === -maximum
          ? 'integer'
          : undefined;
  }
  if (keys === 'anyOf' && anyOf?.length === 2 && keyOf(anyOf[1] as JsonSchema) === '{"type":"null"}') {
    return `${nameOf(anyOf[0] as JsonSchema)}OrNull`;
  }
  return undefined;
}

const keyOf = (node: JsonSchema): string => JSON.stringify(node);

const BUILDERS = { array, nullable, object, record } as const;
type Shorthand = { builder: keyof typeof BUILDERS; args: (JsonSchema | string)[] };

/** The src/schema-builders.ts call that returns exactly `node`, if one does. */
function shorthand(node: JsonSchema): Shorthand | undefined {
  const keys = Object.keys(node).join();
  const { properties = {}, required = [], items, anyOf, propertyNames, additionalProperties } = node;
  let call: Shorthand | undefined;
  if (node.type === 'object' && (keys === 'type,properties,required' || keys === 'type,properties')) {
    const optional = Object.keys(properties).filter((key) => !required.includes(key));
    call = { builder: 'object', args: [properties as JsonSchema, ...optional] };
  } else if (keys === 'type,items' && node.type === 'array' && items) call = { builder: 'array', args: [items] };
  else if (keys === 'anyOf' && anyOf?.length === 2 && keyOf(anyOf[1] as JsonSchema) === '{"type":"null"}') {
    call = { builder: 'nullable', args: [anyOf[0] as JsonSchema] };
  } else if (node.type === 'object' && propertyNames && additionalProperties && !node.properties) {
    call = { builder: 'record', args: [propertyNames, additionalProperties] };
  }
  // Only when the builder gives back this very schema (same keywords, same order).
  if (call && keyOf((BUILDERS[call.builder] as (...args: unknown[]) => JsonSchema)(...call.args)) === keyOf(node)) {
    return call;
  }
  return undefined;
}

function children(node: JsonSchema): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (SUBSCHEMA.has(key)) out.push(value as JsonSchema);
    else if (SUBSCHEMAS.has(key)) out.push(...(value as JsonSchema[]));
    else if (SCHEMA_MAP.has(key)) out.push(...(Object.values(value as Json) as JsonSchema[]));
  }
  return out;
}

/** The source of src/generated/response-schemas.ts, formatted as the repository formats code. */
export function responseSchemasModule(): string {
  const schemas = responseJsonSchemas();
  // Count how many distinct parents (or exports) point at each distinct subschema.
  const uses = new Map<string, number>();
  const seen = new Set<string>();
  const count = (node: JsonSchema): void => {
    const key = keyOf(node);
    uses.set(key, (uses.get(key) ?? 0) + 1);
    if (seen.has(key)) return;
    seen.add(key);
    for (const child of children(node)) count(child);
  };
  for (const node of Object.values(schemas)) count(node);

  const names = new Map<string, string>(); // subschema → the const it is written as
  for (const [name, node] of Object.entries(schemas)) names.set(keyOf(node), name);
  const known = contractNames();
  const taken = new Set(names.values());
  let anonymous = 0;
  const nameOf = (node: JsonSchema): string => {
    const key = keyOf(node);
    let name = names.get(key);
    if (name) return name;
    name = plainName(node, nameOf) ?? known.get(key);
    if (!name || taken.has(name)) name = `s${anonymous++}`;
    taken.add(name);
    names.set(key, name);
    return name;
  };
  for (const [key, n] of uses) if (n > 1) nameOf(JSON.parse(key) as JsonSchema);

  const exported = new Set(Object.keys(schemas));
  const written = new Set<string>();
  const blocks: string[] = [];
  const map = (properties: Json): string =>
    `{${Object.entries(properties)
      .map(([p, v]) => {
        const text = literal(v as JsonSchema, false);
        return text === p ? p : `${IDENTIFIER.test(p) ? p : JSON.stringify(p)}: ${text}`;
      })
      .join(', ')}}`;
  const used = new Set<string>();
  const literal = (node: JsonSchema, top: boolean): string => {
    const name = names.get(keyOf(node));
    if (name && !top) {
      declare(node);
      return name;
    }
    const call = shorthand(node);
    if (call) {
      used.add(call.builder);
      const args = call.args.map((arg) =>
        typeof arg === 'string'
          ? JSON.stringify(arg)
          : call.builder === 'object'
            ? map(arg as Json)
            : literal(arg, false),
      );
      return `/* @__PURE__ */ ${call.builder}(${args.join(', ')})`;
    }
    const fields = Object.entries(node).map(([k, value]) => {
      const prop = IDENTIFIER.test(k) ? k : JSON.stringify(k);
      let text: string;
      if (SUBSCHEMA.has(k)) text = literal(value as JsonSchema, false);
      else if (SUBSCHEMAS.has(k)) text = `[${(value as JsonSchema[]).map((v) => literal(v, false)).join(', ')}]`;
      else if (SCHEMA_MAP.has(k)) text = map(value as Json);
      else text = JSON.stringify(value);
      return `${prop}: ${text}`;
    });
    return `{${fields.join(', ')}}`;
  };
  // Declared in dependency order: a const is written after every const it refers to.
  const declare = (node: JsonSchema): void => {
    const name = names.get(keyOf(node)) as string;
    if (written.has(name)) return;
    written.add(name);
    const body = literal(node, true);
    blocks.push(
      exported.has(name)
        ? `export const ${name}: Schema<C.z.output<typeof C.${name}>> = ${body};`
        : `const ${name}: JsonSchema = ${body};`,
    );
  };
  for (const node of Object.values(schemas)) declare(node);

  const source = `// Generated from the contract's zod schemas by scripts/response-schemas.ts: do not edit.
// \`npm run build -w @creditkit/contract\` rewrites it; after changing a response or event schema run
//   node --conditions=source --import tsx packages/contract/scripts/build-response-schemas.ts
// and commit the result (test/browser-schemas.test.ts fails while it is out of date).
import type { JsonSchema, Schema } from '../check.js';
import type * as C from '../index.js';
import { ${[...used].sort().join(', ')} } from '../schema-builders.js';

${blocks.join('\n\n')}
`;
  return format(source);
}

/** Biome, as `npm run format` would write the file. */
function format(source: string): string {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  return execFileSync(process.execPath, [biome, 'format', `--stdin-file-path=${GENERATED_PATH}`], {
    input: source,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
}
