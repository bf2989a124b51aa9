import type { BalanceEvent, StreamEvent } from '@creditkit/contract';
import * as schemas from '@creditkit/contract/browser';
import type { Config } from './config.js';
import { type Core, parse, protocolError } from './core.js';
import { CreditkitError } from './errors.js';
import { backoff, noop } from './util.js';

/** Where the live connection stands; `signed-out` and `error` come from the client. */
export type ConnectionState =
  | 'idle'
  | 'connecting'
  | 'live'
  | 'polling'
  | 'paused'
  | 'offline'
  | 'signed-out'
  | 'error';

export interface LiveHandlers {
  event(event: StreamEvent): void;
  /** Re-reads balances (polling fallback, revalidation when the tab is shown or back online). */
  revalidate(): Promise<unknown>;
  state(state: ConnectionState): void;
  error(error: CreditkitError): void;
}

const ENDPOINT = 'GET /v1/events';

/**
 * The event stream: fetch streaming (EventSource cannot send Authorization), resumed with Last-Event-ID,
 * a heartbeat watchdog, jittered reconnects, balance polling while the stream is down, paused while the
 * tab is hidden, and a fresh token before the old one expires (30, 32).
 */
export function createLive(config: Config, core: Core, on: LiveHandlers) {
  const { fetch: send } = config;
  let running = false;
  let current: AbortController | null = null;
  let lastEventId = '';
  let failures = 0;
  let serverRetry = 0;
  let reauthorized = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;

  const poll = (): void => {
    pollTimer = setTimeout(poll, config.pollMs);
    // A poll answered after the stream came back must not set the state back to polling.
    on.revalidate().then(
      () => pollTimer && on.state('polling'),
      (e: CreditkitError) =>
        pollTimer && on.state(e.code === 'network' || e.code === 'timeout' ? 'offline' : 'polling'),
    );
  };
  const stopPolling = (): void => {
    clearTimeout(pollTimer);
    pollTimer = undefined;
  };
  const halt = (): void => {
    current?.abort();
    current = null;
    clearTimeout(reconnectTimer);
    clearTimeout(renewTimer);
  };

  async function open(): Promise<void> {
    halt();
    const controller = new AbortController();
    current = controller;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), ms);
    };
    let again = true;
    let quick = false;
    let live = false;
    if (!pollTimer) on.state('connecting');
    try {
      const token = await core.getToken();
      if (controller.signal.aborted) return;
      const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${token}` };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      arm(config.timeoutMs);
      const response = await send(`${config.apiBase}/v1/events`, {
        headers,
        cache: 'no-store',
        signal: controller.signal,
      });
      // 204: the server says stop; 401: one shared refresh, then reconnect at once (30).
      if (response.status === 204) {
        again = false;
        on.state('idle');
        return;
      }
      if (response.status === 401 && !reauthorized) {
        reauthorized = true;
        await core.refresh(token);
        quick = true;
      }
      if (!response.ok || !response.body)
        throw new CreditkitError('internal_error', `${ENDPOINT} answered ${response.status}.`, {
          status: response.status,
          endpoint: ENDPOINT,
        });
      // Reconnect with a fresh token a little before the server closes the stream at expiry.
      const ttl = core.tokenTtl();
      if (ttl > 0) renewTimer = setTimeout(open, ttl);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      // Ends the read loop on abort even if a custom fetch does not tie the body to the signal.
      controller.signal.addEventListener('abort', () => reader.cancel().catch(noop));
      let buffer = '';
      let data: string[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arm(config.heartbeatTimeoutMs);
        if (!live) {
          live = true;
          failures = 0;
          reauthorized = false;
          stopPolling();
          on.state('live');
        }
        const lines = (buffer + value).split(/\r\n|\r|\n/);
        buffer = lines.pop() as string;
        const events: string[] = [];
        for (const line of lines) {
          if (!line) {
            if (data.length) events.push(data.join('\n'));
            data = [];
            continue;
          }
          const colon = line.indexOf(':');
          if (colon === 0) continue; // a comment: heartbeat
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
          if (field === 'data') data.push(text);
          else if (field === 'id') lastEventId = text;
          else if (field === 'retry' && /^\d+$/.test(text)) serverRetry = +text;
        }
        dispatch(events);
      }
    } catch (error) {
      // Signed out (or a secret key): nothing to reconnect with until the page retries.
      const code = (error as CreditkitError).code;
      if (code === 'session' || code === 'config') again = false;
    } finally {
      clearTimeout(watchdog);
      if (current === controller && running && again) {
        current = null;
        clearTimeout(renewTimer);
        if (quick) open();
        else {
          reconnectTimer = setTimeout(open, backoff(config.reconnectMs || serverRetry || 1000, failures++));
          if (failures > 1 && !pollTimer) poll();
        }
      }
    }
  }

  /**
   * The events of one chunk. Balance events are full snapshots: only the newest of the chunk is checked
   * against its schema and applied, since checking and applying each of 1000 a second makes long frames.
   * The seq chain is still followed on every one's numbers: the newest goes on with the latest `prevSeq`
   * that no earlier balance event of the chunk accounts for, so a gap anywhere in the chunk reaches the
   * client, which re-reads balances (29). Purchase and plan events are each checked and applied, in order;
   * the newest balance goes last.
   */
  function dispatch(texts: string[]): void {
    const events: unknown[] = [];
    let newest: BalanceEvent | undefined;
    let prevSeq = -1;
    for (const text of texts) {
      const json = parse<BalanceEvent | null>(null, text);
      // Read as a balance event only once its type and numbers say it is one; checked below if it is the newest.
      const e = json.success ? json.data : null;
      if (e?.type === 'balance' && Number.isInteger(e.seq) && Number.isInteger(e.prevSeq)) {
        if (!newest || e.prevSeq > newest.seq) prevSeq = Math.max(prevSeq, e.prevSeq);
        if (!newest || e.seq >= newest.seq) newest = e;
      } else events.push(e); // not JSON: null, refused by the check
    }
    if (newest) events.push({ ...newest, prevSeq });
    for (const event of events) {
      const checked = schemas.check(schemas.StreamEvent, event);
      if (checked.success) on.event(checked.data);
      else on.error(protocolError(ENDPOINT, 'an event', checked));
    }
  }

  const resume = (): void => {
    if (!running || document.hidden) return;
    on.revalidate().catch(noop);
    open();
  };
  const onVisibility = (): void => {
    if (!document.hidden) resume();
    else {
      halt();
      stopPolling();
      on.state('paused');
    }
  };

  return {
    /** Seq to resume from when the stream first opens (the bootstrap's), so nothing is sent twice. */
    resumeFrom(seq: number): void {
      lastEventId ||= String(seq);
    },
    start(): void {
      // A destroyed client never starts live work again.
      if (running || core.closed.aborted) return;
      running = true;
      document.addEventListener('visibilitychange', onVisibility);
      addEventListener('online', resume);
      if (document.hidden) on.state('paused');
      else open();
    },
    stop(): void {
      running = false;
      document.removeEventListener('visibilitychange', onVisibility);
      removeEventListener('online', resume);
      halt();
      stopPolling();
      on.state('idle');
    },
  };
}
