import type { Pool } from '@creditkit/contract';
import type { AccountRecord, AgencyRecord, EntryRecord } from '@creditkit/platform';
import { asc, eq } from 'drizzle-orm';
import type { Database } from './db/database.js';
import * as schema from './db/schema.js';
import { rowToEntry } from './store.js';

const POOLS: readonly Pool[] = ['voice', 'sms'];

export interface Rebuilt {
  pools: Record<Pool, { included: number; purchased: number; available: number }>;
  /** The seq of the last entry (a stored seq may be higher: settings changes advance seq without an entry). */
  seq: number;
  /** Entries whose `balanceAfter` disagrees with the running totals, or whose seq does not increase. */
  broken: string[];
}

/**
 * Balances of one sub-account rebuilt from nothing but its ledger entries: included and purchased
 * credits are the sums of the entries' deltas (every account starts at zero with an included grant).
 */
export function rebuildFromEntries(entries: readonly EntryRecord[]): Rebuilt {
  const pools = {
    voice: { included: 0, purchased: 0, available: 0 },
    sms: { included: 0, purchased: 0, available: 0 },
  };
  const broken: string[] = [];
  let seq = 0;
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (e.seq <= seq) broken.push(`${e.id}: seq ${e.seq} after ${seq}`);
    seq = e.seq;
    const p = pools[e.pool];
    p.included += e.delta.included;
    p.purchased += e.delta.purchased;
    p.available = p.included + p.purchased;
    if (
      e.balanceAfter.included !== p.included ||
      e.balanceAfter.purchased !== p.purchased ||
      e.balanceAfter.available !== p.available
    ) {
      broken.push(`${e.id}: balanceAfter ${JSON.stringify(e.balanceAfter)} but entries sum to ${JSON.stringify(p)}`);
    }
  }
  return { pools, seq, broken };
}

export interface LedgerCheck {
  accounts: number;
  agencies: number;
  entries: number;
  /** Every disagreement between stored balances/seq and the ledger; empty when all is consistent. */
  problems: string[];
}

/**
 * Recomputes every sub-account's pools and every agency wallet from the ledger table and compares
 * them with the stored records. Wallet entries are checked as a chain (each balance = previous +
 * delta, the last = the stored wallet), since an agency's opening wallet is set at creation.
 */
export async function verifyLedger(database: Database): Promise<LedgerCheck> {
  return database.exclusive(async (db) => {
    const t = schema.ledgerEntries;
    const check: LedgerCheck = { accounts: 0, agencies: 0, entries: 0, problems: [] };
    const entriesOf = async (id: string): Promise<EntryRecord[]> =>
      (await db.select().from(t).where(eq(t.accountId, id)).orderBy(asc(t.seq))).map(rowToEntry);

    for (const row of await db.select().from(schema.accounts)) {
      const account = row.value as AccountRecord;
      const entries = await entriesOf(account.id);
      check.accounts += 1;
      check.entries += entries.length;
      const rebuilt = rebuildFromEntries(entries);
      for (const problem of rebuilt.broken) check.problems.push(`account ${account.id}: ${problem}`);
      for (const p of POOLS) {
        const stored = account.pools[p];
        const derived = rebuilt.pools[p];
        if (stored.included !== derived.included || stored.purchased !== derived.purchased) {
          check.problems.push(
            `account ${account.id} ${p}: stored included ${stored.included} purchased ${stored.purchased}, ` +
              `ledger says included ${derived.included} purchased ${derived.purchased}`,
          );
        }
      }
      if (account.seq < rebuilt.seq)
        check.problems.push(`account ${account.id}: seq ${account.seq} below ledger seq ${rebuilt.seq}`);
    }

    for (const row of await db.select().from(schema.agencies)) {
      const agency = row.value as AgencyRecord;
      const entries = await entriesOf(agency.id);
      check.agencies += 1;
      check.entries += entries.length;
      const last: Partial<Record<Pool, number>> = {};
      let seq = 0;
      for (const e of entries) {
        if (e.seq <= seq) check.problems.push(`agency ${agency.id}: wallet entry ${e.id} seq ${e.seq} after ${seq}`);
        seq = e.seq;
        const before = last[e.pool];
        if (before !== undefined && before + e.delta.purchased !== e.balanceAfter.purchased) {
          check.problems.push(`agency ${agency.id}: wallet entry ${e.id} does not follow from the previous balance`);
        }
        last[e.pool] = e.balanceAfter.purchased;
      }
      for (const p of POOLS) {
        const ledger = last[p];
        if (ledger !== undefined && ledger !== agency.wallet[p]) {
          check.problems.push(`agency ${agency.id} wallet ${p}: stored ${agency.wallet[p]}, ledger says ${ledger}`);
        }
      }
      if (agency.walletSeq !== seq)
        check.problems.push(`agency ${agency.id}: walletSeq ${agency.walletSeq}, ledger seq ${seq}`);
    }
    return check;
  });
}
