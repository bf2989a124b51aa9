import type { StreamEvent } from '@creditkit/contract';
import type { Engine } from '../engine.js';
import type { SessionClaims } from '../tokens.js';

const encoder = new TextEncoder();

const frame = (event: StreamEvent): string =>
  `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/**
 * `GET /v1/events`: a server-sent event stream of one account. Resumes after `Last-Event-ID` from
 * recent events, or with a fresh balance snapshot when those are gone; heartbeats as comments;
 * closes when the token expires or is revoked (the client reconnects with a fresh token).
 */
export function eventStream(
  engine: Engine,
  claims: SessionClaims,
  lastEventId: number | null,
  heartbeatMs: number,
  headers: Record<string, string>,
): Response {
  const accountId = claims.sub;
  let cleanup = (): void => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let lastSent = lastEventId ?? -1;
      let live = false;
      const queued: StreamEvent[] = [];
      const send = (text: string): void => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      // The server clock may pass the expiry before the real-time timer below fires (a moved clock):
      // never push account data on an expired session.
      const expired = (): boolean => claims.exp * 1000 <= engine.now();
      const deliver = (event: StreamEvent): void => {
        if (expired()) {
          close();
          return;
        }
        // Several events may share a seq (a grant's purchase and balance events); never go back.
        if (event.seq < lastSent) return;
        lastSent = event.seq;
        send(frame(event));
      };
      const close = (): void => {
        if (!open) return;
        open = false;
        cleanup();
        controller.close();
      };
      const unsubscribe = engine.bus.subscribe(accountId, (message) => {
        if (message.kind === 'revoked') {
          if (message.jti === claims.jti) close();
        } else if (live) deliver(message.event);
        else queued.push(message.event);
      });
      const heartbeat = setInterval(() => (expired() ? close() : send(': heartbeat\n\n')), heartbeatMs);
      const expiry = setTimeout(close, Math.max(0, claims.exp * 1000 - engine.now()));
      cleanup = () => {
        clearInterval(heartbeat);
        clearTimeout(expiry);
        unsubscribe();
      };
      // Firefox resolves fetch() only on the first chunk: say something at once.
      send(': open\nretry: 2000\n\n');

      const missed = lastEventId === null ? null : engine.bus.since(accountId, lastEventId);
      // Nothing to replay is not proof of being caught up: the id may be ahead of this account's seq
      // (another account's or an earlier simulator's stream) or the bus may hold no history. Check the seq.
      if (missed && missed.length > 0) {
        for (const event of missed) deliver(event);
        for (const event of queued.splice(0)) deliver(event);
        live = true;
        return;
      }
      engine
        .balances(accountId)
        .then((balances) => {
          if (lastEventId === null || balances.seq !== lastEventId) {
            // An id ahead of the account's seq is not from its history: start over from the snapshot,
            // or every later event (all below that id) would be dropped and the stream stay silent.
            if (lastEventId !== null && balances.seq < lastEventId) lastSent = -1;
            // A fresh snapshot brings the client up to date from wherever it was: no gap.
            deliver({
              type: 'balance',
              seq: balances.seq,
              prevSeq: Math.max(0, Math.min(lastEventId ?? 0, balances.seq)),
              balances,
            });
          }
          for (const event of queued.splice(0)) if (event.seq > lastSent || event.type !== 'balance') deliver(event);
          live = true;
        })
        .catch(close);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
}
