// What the browser tests share: finding things the way a user does (by role and accessible name, by
// text, by focus, by Tab) inside a widget's shadow root, and the simulated platform the widgets talk
// to through msw's service worker.
import { createSimulator, mswHandlers, type Scenario, type Simulator } from '@creditkit/mock';
import { type ClientOptions, type CreditkitClient, createClient } from '@creditkit/sdk';
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { type SetupWorker, setupWorker } from 'msw/browser';

// ---- text

/** Text with its white space folded, as it reads. */
export const norm = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

/** The text a user reads in `node`: for a widget host, its shadow root's; for anything else, its own. */
export const text = (node: Node | null | undefined): string =>
  norm((node instanceof Element && node.shadowRoot ? node.shadowRoot : node)?.textContent);

/** A widget's shadow root. */
export const shadow = (host: Element): ShadowRoot => host.shadowRoot as ShadowRoot;

// ---- roles and names

const INPUT_ROLES: Record<string, string> = {
  button: 'button',
  submit: 'button',
  reset: 'button',
  checkbox: 'checkbox',
  radio: 'radio',
  number: 'spinbutton',
  range: 'slider',
  search: 'searchbox',
  text: 'textbox',
  email: 'textbox',
  tel: 'textbox',
  url: 'textbox',
};

/**
 * An element's ARIA role: its `role` attribute, else the implicit role of its tag. `<details>` and
 * `<fieldset>` (implicitly `group`) are left out on purpose: a `group` here is a `role=group`.
 */
export function roleOf(el: Element): string | null {
  const explicit = el.getAttribute('role')?.trim();
  if (explicit) return explicit.split(/\s+/)[0] ?? null;
  const tag = el.localName;
  if (/^h[1-6]$/.test(tag)) return 'heading';
  switch (tag) {
    case 'button':
      return 'button';
    case 'a':
      return el.hasAttribute('href') ? 'link' : null;
    case 'input':
      return INPUT_ROLES[(el as HTMLInputElement).type] ?? null;
    case 'textarea':
      return 'textbox';
    case 'select':
      return (el as HTMLSelectElement).multiple || (el as HTMLSelectElement).size > 1 ? 'listbox' : 'combobox';
    case 'ul':
    case 'ol':
      return 'list';
    case 'li':
      return 'listitem';
    case 'table':
      return 'table';
    case 'img':
      return el.getAttribute('alt') === '' ? null : 'img';
    case 'output':
      return 'status';
    default:
      return null;
  }
}

/** The elements a `<label>` can name. */
const LABELABLE = new Set(['button', 'input', 'meter', 'output', 'progress', 'select', 'textarea']);

/**
 * An element's accessible name, roughly as a browser computes it: the elements aria-labelledby
 * points to (in the same shadow root), aria-label, its `<label>` (by `for`, else wrapping it), a
 * table's caption, else its text.
 */
export function nameOf(el: Element): string {
  const root = el.getRootNode() as ShadowRoot | Document;
  const labelledBy = el.getAttribute('aria-labelledby')?.split(/\s+/).filter(Boolean);
  if (labelledBy?.length) return norm(labelledBy.map((id) => root.getElementById(id)?.textContent).join(' '));
  const label = el.getAttribute('aria-label');
  if (label?.trim()) return norm(label);
  if (LABELABLE.has(el.localName)) {
    const labelFor = el.id ? root.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
    const labelling = labelFor ?? el.closest('label');
    if (labelling) return norm(labelling.textContent);
  }
  // A table is named by its caption only, never by its cells.
  if (el instanceof HTMLTableElement) return norm(el.caption?.textContent);
  return norm(el.textContent);
}

/** The text of the elements an element's aria-describedby points to. */
export function descriptionOf(el: Element): string {
  const root = el.getRootNode() as ShadowRoot | Document;
  const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  return norm(ids.map((id) => root.getElementById(id)?.textContent).join(' '));
}

/** Where a query looks: a widget host (its shadow root), a shadow root, or an element inside one. */
export type Within = Element | ShadowRoot;

/**
 * Queries by role and accessible name. A string name is the whole name (`exact`, the default) or any
 * part of it (`partial`: '100 credits' finds the radio named '100 credits $25.00 $0.25 per credit');
 * a RegExp is tested against the whole name.
 */
export function roleQueries(match: 'exact' | 'partial' = 'exact') {
  const named = (actual: string, name: string | RegExp): boolean =>
    typeof name === 'string' ? (match === 'exact' ? actual === name : actual.includes(name)) : name.test(actual);

  function allByRole<T extends Element = HTMLElement>(within: Within, role: string, name?: string | RegExp): T[] {
    const root = within instanceof Element ? (within.shadowRoot ?? within) : within;
    const found = [...root.querySelectorAll<T>('*')].filter((el) => roleOf(el) === role);
    return name === undefined ? found : found.filter((el) => named(nameOf(el), name));
  }

  function byRole<T extends Element = HTMLElement>(within: Within, role: string, name?: string | RegExp): T | null {
    return allByRole<T>(within, role, name)[0] ?? null;
  }

  function getByRole<T extends Element = HTMLElement>(within: Within, role: string, name?: string | RegExp): T {
    const found = byRole<T>(within, role, name);
    if (!found) throw new Error(`No ${role}${name === undefined ? '' : ` named ${name}`} in: ${text(within)}`);
    return found;
  }

  return { allByRole, byRole, getByRole };
}

export const { allByRole, byRole, getByRole } = roleQueries();

// ---- focus

/** The element focused inside a widget's shadow root. */
export const focused = (host: Element): Element | null => host.shadowRoot?.activeElement ?? null;

/** Presses Tab until `target` has focus, at most `max` times: proves a keyboard user can reach it. */
export async function tabTo(host: Element, target: Element | (() => Element | null), max = 25): Promise<void> {
  const wanted = (): Element | null => (typeof target === 'function' ? target() : target);
  for (let presses = 0; presses <= max; presses++) {
    const el = wanted();
    if (el && focused(host) === el) return;
    if (presses < max) await sendKeys({ press: 'Tab' });
  }
  const on = focused(host);
  expect.fail(
    `Tab never reached the target in ${max} presses (focus is on ${on ? `${on.localName} "${nameOf(on)}"` : 'nothing'})`,
  );
}

// ---- the simulated platform

/** The API host the simulator answers, unless a suite gives each test its own. */
export const API = 'https://api.creditkit.test';

async function startWorker(...handlers: RequestHandler[]): Promise<SetupWorker> {
  const worker = setupWorker(...handlers);
  await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledFrame: 'bypass', quiet: true });
  return worker;
}

/**
 * A simulator answering `api` through msw's service worker in this page.
 * Start it in `before`; stop the worker in `after`.
 */
export async function startSimulator(api = API): Promise<{ sim: Simulator; worker: SetupWorker }> {
  const sim = await createSimulator();
  return { sim, worker: await startWorker(...mswHandlers(sim, api)) };
}

/** The platform of one test, from `simulatorPerTest`. */
export interface TestPlatform {
  /** This test's simulator. */
  readonly sim: Simulator;
  /** The API host it answers. */
  readonly api: string;
  readonly worker: SetupWorker;
  /** Clients destroyed after the test. */
  readonly clients: CreditkitClient[];
  /** A client signed in to this test's simulator as `scenario`, destroyed after the test. */
  connect(scenario?: Scenario, options?: Partial<ClientOptions>): CreditkitClient;
}

/**
 * A fresh simulator for each test of the `describe` this is called in (it adds the hooks), so nothing
 * one test does to the platform reaches the next. With `hostPerTest`, each test also gets its own API
 * host and earlier hosts fail fast: requests still in flight from the last test's clients cannot reach
 * this test's simulator, nor go out to the network.
 */
export function simulatorPerTest({ hostPerTest = false } = {}): TestPlatform {
  let worker: SetupWorker | undefined;
  let sim: Simulator | undefined;
  let api = API;
  let hosts = 0;
  const clients: CreditkitClient[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('simulatorPerTest: read inside a test or hook, not while declaring');
    return value;
  };

  before(async () => {
    worker = await startWorker();
  });
  after(() => worker?.stop());
  beforeEach(async () => {
    sim = await createSimulator();
    if (hostPerTest) api = `https://api${++hosts}.creditkit.test`;
    const failFast = hostPerTest ? [http.all(/creditkit\.test\//, () => HttpResponse.error())] : [];
    started(worker).resetHandlers(...mswHandlers(sim, api), ...failFast);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  return {
    get sim() {
      return started(sim);
    },
    get api() {
      return api;
    },
    get worker() {
      return started(worker);
    },
    clients,
    connect(scenario = 'healthy', options = {}) {
      const current = started(sim);
      const client = createClient({ apiBase: api, fetchSessionToken: () => current.session(scenario), ...options });
      clients.push(client);
      return client;
    },
  };
}
