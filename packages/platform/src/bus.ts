import type { StreamEvent } from '@creditkit/contract';

export type BusMessage = { kind: 'event'; event: StreamEvent } | { kind: 'revoked'; jti: string };
export type BusListener = (message: BusMessage) => void;

/**
 * Delivers account events to live streams. In-process here; the reference server swaps in one
 * backed by PostgreSQL LISTEN/NOTIFY so several instances see each other's events.
 */
export interface EventBus {
  publish(accountId: string, message: BusMessage): void;
  subscribe(accountId: string, listener: BusListener): () => void;
  /** Recent events with seq above `afterSeq`, oldest first, or null when they are no longer kept. */
  since(accountId: string, afterSeq: number): StreamEvent[] | null;
}

export class MemoryBus implements EventBus {
  readonly #listeners = new Map<string, Set<BusListener>>();
  readonly #recent = new Map<string, StreamEvent[]>();
  readonly #keep: number;

  constructor(keep = 200) {
    this.#keep = keep;
  }

  publish(accountId: string, message: BusMessage): void {
    if (message.kind === 'event') {
      const list = this.#recent.get(accountId) ?? [];
      list.push(message.event);
      if (list.length > this.#keep) list.splice(0, list.length - this.#keep);
      this.#recent.set(accountId, list);
    }
    for (const listener of [...(this.#listeners.get(accountId) ?? [])]) listener(message);
  }

  subscribe(accountId: string, listener: BusListener): () => void {
    let set = this.#listeners.get(accountId);
    if (!set) this.#listeners.set(accountId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  since(accountId: string, afterSeq: number): StreamEvent[] | null {
    const list = this.#recent.get(accountId) ?? [];
    const first = list[0];
    if (first && first.seq > afterSeq + 1) return null;
    return list.filter((e) => e.seq > afterSeq);
  }
}
