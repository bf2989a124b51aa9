/**
 * The open event streams of this instance, so a shutdown can end each one cleanly (the client sees
 * the stream end and reconnects, to another instance behind the load balancer) instead of a reset.
 */
export class StreamTracker {
  readonly #open = new Set<() => void>();

  get size(): number {
    return this.#open.size;
  }

  /** A copy of `body` that `closeAll()` can end; cancelling it (client gone) cancels `body`. */
  track(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.#open.delete(close);
    };
    const close = (): void => {
      if (done) return;
      finish();
      try {
        controller.enqueue(new TextEncoder().encode(': server shutting down\n\n'));
        controller.close();
      } catch {
        // already closed
      }
      reader.cancel('server shutting down').catch(() => undefined);
    };
    this.#open.add(close);
    return new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      async pull(c) {
        try {
          const { done: ended, value } = await reader.read();
          if (done) return;
          if (ended) {
            finish();
            c.close();
          } else c.enqueue(value);
        } catch (error) {
          if (!done) {
            finish();
            c.error(error);
          }
        }
      },
      cancel(reason) {
        finish();
        return reader.cancel(reason);
      },
    });
  }

  closeAll(): void {
    for (const close of [...this.#open]) close();
  }
}
