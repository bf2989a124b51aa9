/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    signal?.throwIfAborted(); // aborted already: no 'abort' event will come
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** "Equal jitter": half the delay fixed, half random, so reconnecting clients spread out. */
export const jitter = (ms: number): number => ms / 2 + (Math.random() * ms) / 2;

/** Backoff for attempt `n` (0-based): base × 2ⁿ, capped, jittered. */
export const backoff = (base: number, n: number, cap = 30_000): number => jitter(Math.min(cap, base * 2 ** n));

/** Deep equality for JSON data (store values come from JSON), so unchanged data wakes no subscriber. */
export const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

export const noop = (): void => {};
