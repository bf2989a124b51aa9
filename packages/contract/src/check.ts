// The browser's schema checker: a small interpreter of the JSON Schema (draft 2020-12) subset that
// `z.toJSONSchema` emits for the contract's response and event schemas, so the browser validates every
// response against the contract without shipping zod. No `eval` or `new Function`: safe under a strict CSP.
// Only the keywords those documents use are here (no `number`, `minLength`, closed objects…): the
// generator (scripts/response-schemas.ts) refuses any other, so a new one is added here first, and
// test/browser-schemas.test.ts proves that, for our schemas, `check` agrees with zod's `safeParse`.
// One difference by design: unknown object keys are kept in `data`, where zod strips them (both accept).

export type JsonType = 'string' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

/** The keywords the checker understands. */
export interface JsonSchema {
  readonly type?: JsonType | readonly JsonType[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  /** zod emits `oneOf` only for discriminated unions, whose variants exclude each other: same as `anyOf`. */
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  /** An annotation only: zod emits the `pattern` it checks `date` and `date-time` with beside it. */
  readonly format?: string;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly propertyNames?: JsonSchema;
  /** The schema of every value of a record (`z.record`); objects with `properties` take any other key. */
  readonly additionalProperties?: JsonSchema;
}

declare const output: unique symbol;
/** A JSON Schema whose valid values have type `T` (a compile-time tag only). */
export type Schema<T> = JsonSchema & { readonly [output]?: T };

export interface CheckFailure {
  /** Where the value breaks the schema, e.g. `['voice', 'available']`. */
  path: (string | number)[];
  message: string;
}
export type CheckResult<T> = { success: true; data: T } | ({ success: false } & CheckFailure);

const fail = (message: string, ...path: (string | number)[]): CheckFailure => ({ path, message });
/** A failure found under `key`, with the key put in front of its path. */
const under = (key: string | number, failure: CheckFailure): CheckFailure => {
  failure.path.unshift(key);
  return failure;
};

/** The JSON type of a parsed JSON value. */
const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const is = (type: JsonType, value: unknown): boolean =>
  type === 'integer' ? Number.isInteger(value) : type === typeOf(value);

// Compiled once per pattern, without flags: zod tests the same source with the same (flagless) RegExp.
const regexps = new Map<string, RegExp>();
const matches = (pattern: string, value: string): boolean => {
  let regexp = regexps.get(pattern);
  if (!regexp) regexps.set(pattern, (regexp = new RegExp(pattern)));
  return regexp.test(value);
};

function walk(schema: JsonSchema, value: unknown): CheckFailure | undefined {
  const { type, minimum = -Infinity, maximum = Infinity, pattern } = schema;
  const types = type === undefined ? null : ([] as JsonType[]).concat(type);
  if (types && !types.some((t) => is(t, value))) return fail(`expected ${types.join(' or ')}`);
  if (schema.enum && !schema.enum.includes(value)) return fail(`expected one of ${schema.enum.join(', ')}`);
  if ('const' in schema && value !== schema.const) return fail(`expected ${schema.const}`);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    // Report the variant that matched furthest (for a discriminated union: the one its tag names).
    let closest: CheckFailure | undefined;
    for (const variant of variants) {
      const failure = walk(variant, value);
      if (!failure) return undefined;
      if (!closest || failure.path.length > closest.path.length) closest = failure;
    }
    return closest;
  }
  const actual = typeOf(value);
  if (actual === 'number' && ((value as number) < minimum || (value as number) > maximum)) {
    return fail(`expected ${minimum} to ${maximum}`);
  }
  if (actual === 'string' && pattern !== undefined && !matches(pattern, value as string)) {
    return fail(`expected ${schema.format ?? `/${pattern}/`}`);
  }
  if (actual === 'array' && schema.items) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      const failure = walk(schema.items, items[i]);
      if (failure) return under(i, failure);
    }
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const { properties = {}, propertyNames, additionalProperties } = schema;
    // Missing and `undefined` are one to zod (and JSON has no `undefined`).
    for (const key of schema.required ?? []) if (object[key] === undefined) return fail('required', key);
    for (const key of Object.keys(object)) {
      const failure =
        (propertyNames && walk(propertyNames, key)) ||
        (Object.hasOwn(properties, key)
          ? walk(properties[key] as JsonSchema, object[key])
          : additionalProperties && walk(additionalProperties, object[key]));
      if (failure) return under(key, failure);
    }
  }
  return undefined;
}

/**
 * Checks `value` against `schema`: `data` is `value` itself, typed. A failure says where and why, for
 * developers (`path` like zod's issue paths).
 */
export function check<T>(schema: Schema<T>, value: unknown): CheckResult<T> {
  const failure = walk(schema, value);
  return failure ? { success: false, ...failure } : { success: true, data: value as T };
}
