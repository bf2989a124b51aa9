// `npm start`: the platform simulator's API on localhost (the demo site replaces this once it lands).

import { CLIENTS, createSimulator, DEMO_SECRET_KEY, SCENARIOS } from '@creditkit/mock';
import { serve } from '@hono/node-server';

const port = Number(process.env.PORT ?? 8787);
const origin = `http://localhost:${port}`;
const sim = await createSimulator({ allowedOrigins: [origin, `http://127.0.0.1:${port}`] });

const server = serve({ fetch: sim.fetch, port, hostname: '127.0.0.1' }, () => {
  console.log(`creditkit simulator API on ${origin}

  Agency test secret key: ${DEMO_SECRET_KEY}
  Clients: ${SCENARIOS.map((s) => `${CLIENTS[s].id} (${s})`).join(', ')}

  Get a session token, then call the widget API with it:
    curl -s -X POST ${origin}/v1/sessions -H 'authorization: Bearer ${DEMO_SECRET_KEY}' \\
         -H 'content-type: application/json' -d '{"subAccountId":"sa_healthy"}'
    curl -s ${origin}/v1/widget -H 'authorization: Bearer <token>'
`);
});

const stop = (): void => {
  server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
