// PGlite data directories for the tests. Creating a PGlite database takes seconds (initdb in WASM),
// reopening one a fraction of that: a migrated template is made once per machine (per PGlite version
// and migration set) and each test copies it.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MIGRATIONS_FOLDER, openPglite } from '../../src/db/database.js';

function templateKey(): string {
  const hash = createHash('sha256');
  // The installed PGlite version (its package.json is not exported: find it above the entry point).
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (
    !existsSync(join(dir, 'package.json')) ||
    !readFileSync(join(dir, 'package.json'), 'utf8').includes('"@electric-sql/pglite"')
  ) {
    dir = dirname(dir);
  }
  hash.update(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version);
  for (const file of readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function template(): Promise<string> {
  const dir = join(tmpdir(), `creditkit-pglite-template-${templateKey()}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  const building = mkdtempSync(join(tmpdir(), 'creditkit-pglite-building-'));
  const data = join(building, 'data');
  const database = await openPglite({ dataDir: data });
  await database.migrate();
  await database.close();
  try {
    renameSync(data, dir);
  } catch {
    // Another test process made it first: use theirs.
  }
  rmSync(building, { recursive: true, force: true });
  return dir;
}

/** A fresh, migrated PGlite data directory of its own (delete it with `rmSync` after). */
export async function pgliteDir(): Promise<string> {
  const source = await template();
  const parent = mkdtempSync(join(tmpdir(), 'creditkit-pglite-'));
  const dir = join(parent, 'data');
  cpSync(source, dir, { recursive: true });
  return dir;
}
