import { eq } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { paymentAccounts } from '../db/schema.js';

export interface ConnectedAccount {
  agencyId: string;
  /** Stripe connected account id, `acct_…`. */
  accountId: string;
  livemode: boolean;
}

/**
 * Which Stripe connected account each agency is paid on, kept in `payment_accounts` and cached in
 * memory: the gateway needs it inside the engine's transaction, where (on PGlite's one connection) it
 * cannot query. `refresh()` reloads what other instances wrote.
 */
export class PaymentAccounts {
  readonly #database: Database;
  #byAgency = new Map<string, ConnectedAccount>();

  constructor(database: Database) {
    this.#database = database;
  }

  async refresh(): Promise<void> {
    const rows = await this.#database.exclusive((db) => db.select().from(paymentAccounts));
    this.#byAgency = new Map(
      rows
        .filter((r) => r.provider === 'stripe')
        .map((r) => [r.agencyId, { agencyId: r.agencyId, accountId: r.accountId, livemode: r.livemode }]),
    );
  }

  get(agencyId: string): ConnectedAccount | undefined {
    return this.#byAgency.get(agencyId);
  }

  /**
   * The cached account, or on PostgreSQL one another instance connected since the last refresh (a
   * query on the pool is safe inside a transaction there; on PGlite this process wrote them all).
   */
  async lookup(agencyId: string): Promise<ConnectedAccount | undefined> {
    const cached = this.#byAgency.get(agencyId);
    if (cached || this.#database.kind !== 'postgres') return cached;
    const [row] = await this.#database.db.select().from(paymentAccounts).where(eq(paymentAccounts.agencyId, agencyId));
    if (row?.provider !== 'stripe') return undefined;
    const account = { agencyId: row.agencyId, accountId: row.accountId, livemode: row.livemode };
    this.#byAgency.set(agencyId, account);
    return account;
  }

  async set(account: ConnectedAccount): Promise<void> {
    await this.#database.exclusive(async (db) => {
      await db
        .insert(paymentAccounts)
        .values({
          agencyId: account.agencyId,
          provider: 'stripe',
          accountId: account.accountId,
          livemode: account.livemode,
        })
        .onConflictDoUpdate({
          target: paymentAccounts.agencyId,
          set: { provider: 'stripe', accountId: account.accountId, livemode: account.livemode },
        });
    });
    this.#byAgency.set(account.agencyId, account);
  }

  async remove(agencyId: string): Promise<void> {
    await this.#database.exclusive((db) => db.delete(paymentAccounts).where(eq(paymentAccounts.agencyId, agencyId)));
    this.#byAgency.delete(agencyId);
  }
}
