// The shorthands src/generated/response-schemas.ts is written with. Each returns the plain JSON Schema
// object `z.toJSONSchema` emitted (the generator checks that it does, and the contract's tests compare the
// result with zod's output), so the checker reads the very same data; only the bundle is smaller, since
// property names are not written twice (`properties` and `required`).
import type { JsonSchema } from './check.js';

/** `{ type: 'object', properties, required }`: every property is required but the `optional` ones. */
export const object = (properties: Record<string, JsonSchema>, ...optional: string[]): JsonSchema => {
  const required = Object.keys(properties).filter((key) => !optional.includes(key));
  return required.length ? { type: 'object', properties, required } : { type: 'object', properties };
};

/** `z.record`: keys and values; a record keyed by an enum needs every key (zod's records are exhaustive). */
export const record = (propertyNames: JsonSchema, additionalProperties: JsonSchema): JsonSchema =>
  propertyNames.enum
    ? { type: 'object', propertyNames, additionalProperties, required: propertyNames.enum as string[] }
    : { type: 'object', propertyNames, additionalProperties };

export const array = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
