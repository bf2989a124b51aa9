// `@creditkit/contract/browser`: what the browser needs of the contract at run time, without zod. The
// response and event schemas as JSON Schema data (generated from the zod schemas at build time), the
// checker that validates against them, and the contract's plain constants. Types stay in
// `@creditkit/contract` (`import type` pulls nothing into a bundle).
export { type CheckFailure, type CheckResult, check, type JsonSchema, type JsonType, type Schema } from './check.js';
export * from './constants.js';
export * from './generated/response-schemas.js';
