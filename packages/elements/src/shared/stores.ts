import type { CreditkitClient } from '@creditkit/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableAtom } from 'nanostores';

type Selection = Record<string, ReadableAtom<unknown>>;
export type Values<S extends Selection> = { [K in keyof S]: S[K] extends ReadableAtom<infer V> ? V : never };

/**
 * Subscribes a widget to the client's stores it names (STYLE.md §7): connects in `hostConnected`,
 * lets go in `hostDisconnected`, and re-binds before an update when the client or an input (a `pool`
 * attribute) changed. Store changes request an update (a paced one from a CkElement, see pace.ts);
 * `render()` reads `values` only.
 */
export class StoresController<S extends Selection> implements ReactiveController {
  values: Partial<Values<S>> = {};
  readonly #host: ReactiveControllerHost;
  readonly #client: () => CreditkitClient | null;
  readonly #select: (client: CreditkitClient) => S;
  readonly #inputs: () => readonly unknown[];
  #key: readonly unknown[] = [];
  #release: (() => void)[] = [];

  constructor(
    host: ReactiveControllerHost,
    client: () => CreditkitClient | null,
    select: (client: CreditkitClient) => S,
    inputs: () => readonly unknown[] = () => [],
  ) {
    this.#host = host;
    this.#client = client;
    this.#select = select;
    this.#inputs = inputs;
    host.addController(this);
  }

  hostConnected(): void {
    this.#bind();
  }

  hostUpdate(): void {
    this.#bind();
  }

  hostDisconnected(): void {
    this.#unbind();
    this.#key = [];
  }

  #bind(): void {
    const client = this.#client();
    const key = [client, ...this.#inputs()];
    if (key.length === this.#key.length && key.every((v, i) => Object.is(v, this.#key[i]))) return;
    this.#unbind();
    this.#key = key;
    this.values = {};
    if (!client) return;
    this.#release.push(client.connect());
    const values = this.values as Record<string, unknown>;
    for (const [name, store] of Object.entries(this.#select(client))) {
      // `listen` mounts the store without calling back at once; the current value is read here.
      this.#release.push(
        store.listen((value) => {
          values[name] = value;
          const host = this.#host as ReactiveControllerHost & { requestDataUpdate?(): void };
          if (host.requestDataUpdate) host.requestDataUpdate();
          else host.requestUpdate();
        }),
      );
      values[name] = store.get();
    }
  }

  #unbind(): void {
    for (const release of this.#release.splice(0)) release();
  }
}
