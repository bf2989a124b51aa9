// The server as a child process (`src/main.ts`, as `npm run server` starts it), for tests that need
// real processes: two instances on one database, restarts, the PGlite directory lock.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  pid: number;
  /** Log lines (parsed JSON) so far. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Spawns a server; resolves once it listens, rejects (with its stderr) if it exits first. */
export function spawnServer(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', CREDITKIT_QUIET: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let err = '';
  let out = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${options.timeoutMs ?? 120_000} ms\n${err}`));
    }, options.timeoutMs ?? 120_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      let cut: number;
      while ((cut = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, cut);
        out = out.slice(cut + 1);
        try {
          const record = JSON.parse(line) as Record<string, unknown>;
          logs.push(record);
          if (record.msg === 'listening') {
            clearTimeout(timer);
            resolve({
              child,
              url: record.url as string,
              pid: child.pid as number,
              logs,
              stderr: () => err,
              exited,
              async stop() {
                if (child.exitCode === null) child.kill('SIGTERM');
                return exited;
              },
            });
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited (${code}) before listening:\n${err}`), { code, stderr: err }));
    });
  });
}
