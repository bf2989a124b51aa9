export { type BusListener, type BusMessage, type EventBus, MemoryBus } from './bus.js';
export { type Clock, iso, ManualClock, OffsetClock, systemClock } from './clock.js';
export {
  type AgencyInput,
  type Ctx,
  canonicalJson,
  Engine,
  type EngineOptions,
  isAllowedOrigin,
  type PaymentConfirmation,
  type PaymentGateway,
  QUOTE_TTL_MS,
  type SubAccountInput,
  testGateway,
} from './engine.js';
export { PlatformError } from './errors.js';
export { createHandler, type HandlerOptions } from './http/handler.js';
export type * from './model.js';
export * as rules from './rules.js';
export { type EntryQuery, MemoryStore, type Store, selectEntries, type Tx } from './store.js';
export { MAX_SESSION_SECONDS, type SessionClaims } from './tokens.js';
