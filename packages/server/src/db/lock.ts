import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** PGlite has no lock between processes: two on one directory silently lose writes. This is that lock. */
export class DataDirLockedError extends Error {
  constructor(dataDir: string, lockFile: string, holder: LockHolder) {
    super(
      `The PGlite data directory ${dataDir} is already open in process ${holder.pid} on ${holder.host} ` +
        `(since ${holder.startedAt}; lock file ${lockFile}). Two processes must never open one PGlite directory: ` +
        'stop the other server, choose another PGLITE_DIR, or set DATABASE_URL to run several instances on PostgreSQL.',
    );
    this.name = 'DataDirLockedError';
  }
}

interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lockFile: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder;
    return typeof holder.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}

/**
 * Takes `<dataDir>.lock` (created exclusively, holding our pid) or throws `DataDirLockedError`. A lock
 * left by a process that died is taken over. Returns the release function (also run at process exit).
 */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir.replace(/\/+$/, '')}.lock`;
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let held = true;
      const release = (): void => {
        if (!held) return;
        held = false;
        process.off('exit', release);
        if (readHolder(lockFile)?.pid === me.pid) unlinkSync(lockFile);
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockFile);
      // A half-written lock (its writer is between open and write) counts as held.
      if (!holder) {
        if (attempt < 2) continue;
        throw new DataDirLockedError(dataDir, lockFile, { pid: -1, host: 'unknown', startedAt: 'unknown' });
      }
      if (holder.host === me.host && holder.pid !== me.pid && !isAlive(holder.pid)) {
        unlinkSync(lockFile); // stale: its process is gone
        continue;
      }
      throw new DataDirLockedError(dataDir, lockFile, holder);
    }
  }
  throw new Error(`Could not take the lock ${lockFile}.`);
}
