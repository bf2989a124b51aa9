// The browser's copy of the response schemas (src/generated/response-schemas.ts, checked by src/check.ts)
// is up to date with the zod schemas, carries no zod, and accepts and refuses exactly what zod's
// `safeParse` does: on random valid values of every schema and on the same values broken in the ways
// THREATS 28 names (a key dropped, a wrong type, a float or an out-of-range integer, a bad enum value,
// null where not nullable, a bad date-time…).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import {
  browserJsonSchema,
  GENERATED_PATH,
  RESPONSE_SCHEMAS,
  responseJsonSchemas,
  responseSchemasModule,
} from '../scripts/response-schemas.js';
import * as browser from '../src/browser.js';
import { check, type JsonSchema } from '../src/check.js';
import { z } from '../src/index.js';

type Name = keyof typeof RESPONSE_SCHEMAS;
type Json = Record<string, unknown>;

const NAMES = Object.keys(RESPONSE_SCHEMAS) as Name[];
const generated = browser as unknown as Record<Name, JsonSchema>;
/** What reaches the checker in the SDK: parsed JSON text. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const zodAccepts = (name: Name, value: unknown): boolean => RESPONSE_SCHEMAS[name].safeParse(value).success;
const checkAccepts = (name: Name, value: unknown): boolean => check(generated[name], value).success;

// ---- values of a schema, derived from its JSON Schema (zod is the judge of whether they are valid)

const INT32 = 2 ** 31 - 1;
function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): fc.Arbitrary<number> {
  const small = fc.integer({ min: Math.max(min, -INT32), max: Math.min(max, INT32) });
  return fc.oneof(
    small,
    fc.constantFrom(min, max),
    fc.maxSafeInteger().filter((n) => n >= min && n <= max),
  );
}

function arbitrary(schema: JsonSchema): fc.Arbitrary<unknown> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map(arbitrary));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if ('const' in schema) return fc.constant(schema.const);
  const types = ([] as string[]).concat(schema.type ?? []);
  if (types.length > 1) return fc.oneof(...types.map((type) => arbitrary({ ...schema, type } as JsonSchema)));
  switch (types[0]) {
    case 'string':
      return schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : fc.string({ maxLength: 12 });
    case 'integer':
      return integer(schema.minimum, schema.maximum);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitrary(schema.items ?? {}), { maxLength: 3 });
    case 'object': {
      if (schema.properties) {
        const model = Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, arbitrary(s)]));
        return fc.record(model, { requiredKeys: [...(schema.required ?? [])] });
      }
      const values = arbitrary((schema.additionalProperties || {}) as JsonSchema);
      const keys = schema.propertyNames?.enum as string[] | undefined;
      // A record keyed by an enum has every key; any other record, a few keys that match.
      if (keys) return fc.record(Object.fromEntries(keys.map((k) => [k, values])));
      return fc.dictionary(arbitrary(schema.propertyNames ?? { type: 'string' }) as fc.Arbitrary<string>, values, {
        maxKeys: 3,
      });
    }
    default:
      return fc.anything();
  }
}

// ---- breaking a valid value at one place

const JUNK: unknown[] = [
  null,
  '',
  'x',
  0,
  -1,
  1.5,
  2 ** 53,
  true,
  [],
  {},
  '2025-02-30T00:00:00Z',
  '2025-01-01T00:00:00+01:00',
  '2025-01-01',
  'voice ',
];
const CORRUPTIONS = [
  'drop key',
  'junk',
  'float',
  'out of range',
  'negative',
  'null',
  'bad string',
  'bad date-time',
  'extra key',
  'rename key',
  'extra item',
] as const;
type Corruption = (typeof CORRUPTIONS)[number];

/** Every place in a JSON value: its container and key. */
function places(
  value: unknown,
  out: [Json | unknown[], string | number][] = [],
): [Json | unknown[], string | number][] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([value, i]);
      places(item, out);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([value as Json, key]);
      places(item, out);
    }
  }
  return out;
}

const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);
/** Where each corruption bites: it picks among the places holding such a value (any place if none does). */
const TARGET: Partial<Record<Corruption, (value: unknown) => boolean>> = {
  float: (value) => typeof value === 'number',
  'out of range': (value) => typeof value === 'number',
  negative: (value) => typeof value === 'number',
  'bad string': (value) => typeof value === 'string',
  'bad date-time': (value) => typeof value === 'string' && /^\d{4}-\d\d-\d\d/.test(value),
  'extra key': isObject,
  'rename key': isObject,
  'extra item': Array.isArray,
};

function corrupt(valid: unknown, how: Corruption, pick: number, junk: unknown): unknown {
  const root = { value: asJson(valid) } as Json;
  const all = places(root);
  const aimed = all.filter(([container, key]) => TARGET[how]?.((container as Json)[key]) ?? true);
  const [container, key] = (aimed.length ? aimed : all)[pick % (aimed.length || all.length)] as [
    Json & unknown[],
    string & number,
  ];
  const current = container[key];
  switch (how) {
    case 'drop key':
      if (Array.isArray(container)) container.splice(key, 1);
      else delete container[key];
      break;
    case 'junk':
      container[key] = junk;
      break;
    case 'float':
      container[key] = typeof current === 'number' ? current + 0.5 : 0.5;
      break;
    case 'out of range':
      container[key] = typeof current === 'number' ? Number.MAX_SAFE_INTEGER + 2 : 2 ** 60;
      break;
    case 'negative':
      container[key] = typeof current === 'number' ? -current - 1 : -1;
      break;
    case 'null':
      container[key] = null;
      break;
    case 'bad string':
      container[key] = typeof current === 'string' ? `${current}!` : String(current);
      break;
    case 'bad date-time':
      container[key] =
        typeof current === 'string' && current.length > 4 ? current.replace(/Z$/, '').replace(/^\d{4}/, '20') : 'soon';
      break;
    case 'extra key':
      if (isObject(current)) current.zz_unknown = junk;
      else container[key] = { zz_unknown: junk };
      break;
    case 'rename key': {
      // A key a record does not allow (a lower-case country, an unknown pool), with a valid value.
      const keys = isObject(current) ? Object.keys(current) : [];
      const from = keys[pick % (keys.length || 1)];
      if (isObject(current) && from !== undefined) {
        current[from === from.toLowerCase() ? `${from}x` : from.toLowerCase()] = current[from];
        delete current[from];
      } else container[key] = junk;
      break;
    }
    case 'extra item':
      if (Array.isArray(current)) current.push(junk);
      else container[key] = [current];
      break;
  }
  return root.value;
}

// ---- tests

describe('browser response schemas', () => {
  it('src/generated/response-schemas.ts is what the generator writes now (run npm run build -w @creditkit/contract)', () => {
    assert.equal(readFileSync(GENERATED_PATH, 'utf8'), responseSchemasModule());
  });

  it('hold exactly the JSON Schema zod emits for each schema the SDK parses', () => {
    const expected = responseJsonSchemas();
    assert.deepEqual(Object.keys(expected).sort(), [...NAMES].sort());
    for (const name of NAMES) assert.deepEqual(asJson(generated[name]), expected[name], name);
  });

  it('are written with the shared subschemas and shorthands, so the browser copy stays small', () => {
    const source = readFileSync(GENERATED_PATH, 'utf8');
    assert.ok(!source.includes('required:'), 'required lists come from the object() shorthand');
    assert.equal(source.match(/format: 'date-time'/g)?.length, 1, 'the date-time pattern is written once');
  });

  it('the generator refuses what the browser could not check as zod does, instead of waving it through', () => {
    const refused: [string, z.ZodMiniType, RegExp][] = [
      ['a refinement', z.string().check(z.refine((s) => s.length > 1)), /"custom" check/],
      ['a transform', z.pipe(z.string(), z.transform(Number)), /Transforms/],
      ['a default', z.object({ a: z._default(z.string(), 'x') }), /changes the value/],
      ['a strict object', z.strictObject({ a: z.string() }), /strict object/],
      ['an unsupported keyword', z.string().check(z.minLength(1)), /"minLength" is not supported/],
      ['an exclusive bound', z.int().check(z.gt(0)), /"exclusiveMinimum" is not supported/],
      ['a number that is not an integer', z.number(), /type "number"/],
      ['a format checked by code, not a pattern', z.url(), /without a pattern/],
      ['a pattern with flags', z.string().check(z.regex(/^a$/i)), /has flags/],
      ['a date object', z.date(), /Date/],
    ];
    for (const [what, schema, message] of refused) {
      assert.throws(() => browserJsonSchema(schema, 'S'), message, what);
    }
    assert.deepEqual(browserJsonSchema(z.object({ a: z.optional(z.iso.date()) }), 'S').required, undefined);
  });

  it('@creditkit/contract/browser bundles without zod or any zod schema module', async () => {
    const entry = fileURLToPath(new URL('../src/browser.ts', import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['source'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.deepEqual(
      inputs.filter((path) =>
        /node_modules|\/zod\.ts$|\/(api|domain|errors|units|routes|openapi|index)\.ts$/.test(path),
      ),
      [],
    );
    const text = new TextDecoder().decode(result.outputFiles[0]?.contents);
    assert.ok(!/\beval\(|new Function\b/.test(text), 'no eval or new Function (strict CSP)');
  });

  for (const name of NAMES) {
    describe(name, () => {
      const valid = arbitrary(generated[name]).map(asJson);

      it('accepts what zod accepts: random valid values', () => {
        fc.assert(
          fc.property(valid, (value) => {
            assert.equal(zodAccepts(name, value), true, 'the arbitrary makes valid values');
            assert.deepEqual(check(generated[name], value), { success: true, data: value });
          }),
          { numRuns: 150 },
        );
      });

      it('agrees with zod on values broken in one place', () => {
        const refused = new Map<Corruption, number>();
        fc.assert(
          fc.property(
            valid,
            fc.constantFrom(...CORRUPTIONS),
            fc.nat(),
            fc.constantFrom(...JUNK),
            (value, how, pick, junk) => {
              const broken = corrupt(value, how, pick, junk);
              const zod = zodAccepts(name, broken);
              const result = check(generated[name], broken);
              assert.equal(result.success, zod, `zod ${zod ? 'accepts' : 'refuses'} ${JSON.stringify(broken)}`);
              if (!zod) refused.set(how, (refused.get(how) ?? 0) + 1);
              if (!result.success) assert.equal(typeof result.message, 'string');
            },
          ),
          { numRuns: 400 },
        );
        // The corruptions have teeth: each kind that can break a value did, many times over. A bad string
        // breaks only a schema with a constrained string (ErrorBody's are all free text, `code` included).
        const constrained = /"(?:pattern|enum|const)"/.test(JSON.stringify(generated[name]));
        const biting = CORRUPTIONS.filter(
          (c) => !['extra key', 'rename key', 'extra item'].includes(c) && (c !== 'bad string' || constrained),
        );
        for (const how of biting) {
          assert.ok((refused.get(how) ?? 0) > 0, `"${how}" never produced an invalid ${name}`);
        }
      });

      it('agrees with zod on values that are not the shape at all', () => {
        for (const value of [null, undefined, 0, 'x', true, [], {}, [{}], { error: null }, JUNK]) {
          assert.equal(checkAccepts(name, value), zodAccepts(name, value), JSON.stringify(value));
        }
      });
    });
  }

  it('says where a value breaks the schema', () => {
    const sample = fc.sample(arbitrary(browser.Balances).map(asJson), { numRuns: 1, seed: 1 })[0] as Json;
    const voice = sample.voice as Json;
    const broken = { ...sample, voice: { ...voice, available: 1.5 } };
    assert.deepEqual(check(browser.Balances, broken), {
      success: false,
      path: ['voice', 'available'],
      message: 'expected integer',
    });
    const missing = { ...sample, periodEnd: undefined };
    assert.deepEqual(check(browser.Balances, asJson(missing)), {
      success: false,
      path: ['periodEnd'],
      message: 'required',
    });
    const event = { type: 'balance', seq: 2, prevSeq: 1, balances: { ...sample, seq: -1 } };
    const result = check(browser.StreamEvent, event);
    assert.equal(result.success, false);
    if (!result.success) assert.deepEqual(result.path, ['balances', 'seq'], 'the variant its tag names');
  });

  it('keeps unknown keys instead of refusing them (zod strips them; both accept)', () => {
    const value = { token: 'x', error: { code: 'not_found', message: 'm', requestId: 'r', extra: 1 }, more: [] };
    assert.equal(zodAccepts('ErrorBody', value), true);
    assert.deepEqual(check(browser.ErrorBody, value), { success: true, data: value });
  });
});
