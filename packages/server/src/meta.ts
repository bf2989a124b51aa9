import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from './db/database.js';
import { serverMeta } from './db/schema.js';

/** Small server settings shared by all instances on one database (`server_meta`). */
export class ServerMeta {
  readonly #database: Database;

  constructor(database: Database) {
    this.#database = database;
  }

  async get(key: string): Promise<string | null> {
    const [row] = await this.#database.exclusive((db) => db.select().from(serverMeta).where(eq(serverMeta.key, key)));
    return row?.value ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.#database.exclusive((db) =>
      db.insert(serverMeta).values({ key, value }).onConflictDoUpdate({ target: serverMeta.key, set: { value } }),
    );
  }

  /** The value under `key`, created by `make` if missing; the first instance to write it wins. */
  async getOrCreate(key: string, make: () => string): Promise<string> {
    await this.#database.exclusive((db) => db.insert(serverMeta).values({ key, value: make() }).onConflictDoNothing());
    return (await this.get(key)) as string;
  }
}

/**
 * The session-token HMAC key: every instance must share it (a token minted by one is checked by
 * another) and it must survive restarts (or every open session dies), so it lives in the database.
 */
export const sessionSecret = (meta: ServerMeta): Promise<string> =>
  meta.getOrCreate('session_secret', () => randomBytes(32).toString('base64url'));
