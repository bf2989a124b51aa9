// `npm run server`: the reference server with the embedded database (PGlite in .data/pglite), or
// PostgreSQL when DATABASE_URL is set. Configuration by environment variables: see the README.
import { CLIENTS, DEMO_SECRET_KEY, SCENARIOS } from '@creditkit/mock/node';
import { configFromEnv } from './config.js';
import { DataDirLockedError } from './db/lock.js';
import { startServer } from './server.js';

let server: Awaited<ReturnType<typeof startServer>>;
try {
  const config = configFromEnv();
  server = await startServer(config);
  if (config.seed && !process.env.CREDITKIT_QUIET) {
    const origin = config.publicUrl ?? server.url;
    process.stderr.write(`
creditkit server on ${origin} (${server.database.kind}${server.database.kind === 'pglite' ? ` in ${config.pgliteDir}` : ''})

  Demo agency test secret key: ${DEMO_SECRET_KEY}
  Clients: ${SCENARIOS.map((s) => `${CLIENTS[s].id} (${s})`).join(', ')}

  Get a session token (15 minutes), then call the widget API with it:
    curl -s -X POST ${origin}/v1/sessions -H 'authorization: Bearer ${DEMO_SECRET_KEY}' \\
         -H 'content-type: application/json' -d '{"subAccountId":"sa_healthy"}'
    curl -s ${origin}/v1/widget -H 'authorization: Bearer <token>'

`);
  }
} catch (error) {
  if (error instanceof DataDirLockedError) process.stderr.write(`\n${error.message}\n\n`);
  else process.stderr.write(`\ncreditkit server failed to start: ${(error as Error).stack ?? error}\n\n`);
  process.exit(1);
}

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  server.log.info('signal', { signal });
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
  setTimeout(() => process.exit(1), 30_000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
