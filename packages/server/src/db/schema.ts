// The database schema (Drizzle). `npm run db:generate -w @creditkit/server` turns changes here into a
// new SQL migration under drizzle/; the server applies pending migrations at startup.
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * One table per engine collection (see platform's model.ts `Collections`): the record as jsonb, keyed
 * by its id. `scope` is the owning agency (for sub-accounts) or sub-account (for the rest), indexed so
 * an agency's sub-accounts can be listed without reading every record.
 */
const collection = (name: string) =>
  pgTable(
    name,
    {
      id: text('id').primaryKey(),
      scope: text('scope'),
      value: jsonb('value').notNull(),
      createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
      updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (t) => [index(`${name}_scope_idx`).on(t.scope)],
  );

export const agencies = collection('agencies');
export const accounts = collection('accounts');
export const quotes = collection('quotes');
export const purchases = collection('purchases');
export const usageEvents = collection('usage_events');
export const idempotencyKeys = collection('idempotency_keys');
export const creditRequests = collection('credit_requests');
export const planChanges = collection('plan_changes');
export const sessions = collection('sessions');
export const agencyKeys = collection('agency_keys');

export type CollectionTable = typeof agencies;

/**
 * The ledger: one row per entry, append-only. A trigger (migration 0001) rejects UPDATE, DELETE and
 * TRUNCATE, so not even a bug or an operator's stray statement can rewrite history. `account_id` is a
 * sub-account or, for wallet entries, an agency; (account_id, seq) is unique, so two writers that both
 * computed the same next seq cannot both commit.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    seq: integer('seq').notNull(),
    pool: text('pool').notNull(),
    kind: text('kind').notNull(),
    deltaIncluded: bigint('delta_included', { mode: 'number' }).notNull(),
    deltaPurchased: bigint('delta_purchased', { mode: 'number' }).notNull(),
    balanceIncluded: bigint('balance_included', { mode: 'number' }).notNull(),
    balancePurchased: bigint('balance_purchased', { mode: 'number' }).notNull(),
    balanceAvailable: bigint('balance_available', { mode: 'number' }).notNull(),
    /** Epoch milliseconds, as the engine's clock gives them (tests move that clock). */
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    description: text('description').notNull(),
    usage: jsonb('usage'),
    purchaseId: text('purchase_id'),
    usageEventId: text('usage_event_id'),
    insertedAt: timestamp('inserted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ledger_entries_account_seq_key').on(t.accountId, t.seq),
    index('ledger_entries_account_created_idx').on(t.accountId, t.createdAt),
  ],
);

/** Server settings shared by every instance on one database (e.g. the session-token HMAC key). */
export const serverMeta = pgTable('server_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** The Stripe connected account each agency is paid on (Stripe Connect). */
export const paymentAccounts = pgTable('payment_accounts', {
  agencyId: text('agency_id').primaryKey(),
  provider: text('provider').notNull(),
  accountId: text('account_id').notNull(),
  livemode: boolean('livemode').notNull(),
});

/**
 * Which Stripe Checkout Session paid which purchase: written on the first webhook that fulfils it,
 * so a purchase is only ever fulfilled by one session (a second session naming it is refused).
 */
export const stripeCheckoutSessions = pgTable('stripe_checkout_sessions', {
  sessionId: text('session_id').primaryKey(),
  purchaseId: text('purchase_id').notNull().unique(),
  agencyId: text('agency_id').notNull(),
  paymentIntent: text('payment_intent'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Event payloads too large for a NOTIFY (8000 bytes): the notification carries the row id instead. */
export const busPayloads = pgTable('bus_payloads', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  payload: text('payload').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
