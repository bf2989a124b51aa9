import { type Catalogue, en, type MessageKey } from './en.js';

export type { Catalogue, MessageKey };

const catalogues = new Map<string, () => Promise<Catalogue>>();
const loaded = new Map<string, Catalogue>();

/** Registers a catalogue for a locale (`es`, `pt-BR`…); bundled ones register themselves in locales.ts. */
export function registerLocale(locale: string, catalogue: Catalogue | (() => Promise<Catalogue>)): void {
  if (typeof catalogue === 'function') catalogues.set(locale, catalogue);
  else loaded.set(locale, catalogue);
}

/** The best registered match for a locale: exact, then its language, then English. */
function catalogueFor(locale: string): Catalogue {
  return loaded.get(locale) ?? loaded.get(locale.split('-')[0] ?? '') ?? {};
}

export async function loadLocale(locale: string): Promise<void> {
  for (const tag of [locale, locale.split('-')[0] ?? '']) {
    const load = catalogues.get(tag);
    if (load && !loaded.has(tag)) loaded.set(tag, await load());
  }
}

const pluralRules = new Map<string, Intl.PluralRules>();
const plural = (locale: string, n: number): Intl.LDMLPluralRule => {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(n);
};

export type Params = Record<string, string | number>;

/**
 * Looks a message up, most specific first: the element's own `strings`, the agency's terms,
 * the locale's catalogue, English. `{credits}`/`{credit}` come from the terms unless passed.
 */
export function translate(
  locale: string,
  key: string,
  params: Params = {},
  overrides: Catalogue = {},
  terms: Record<string, string> = {},
): string {
  const catalogue = catalogueFor(locale);
  const lookup = (k: string): string | undefined =>
    (overrides as Record<string, string>)[k] ??
    (catalogue as Record<string, string>)[k] ??
    (en as Record<string, string>)[k];
  let template: string | undefined;
  // `count` picks the plural form when `n` is passed already formatted ("1,234").
  const count = typeof params.count === 'number' ? params.count : typeof params.n === 'number' ? params.n : undefined;
  if (count !== undefined) template = lookup(`${key}_${plural(locale, count)}`) ?? lookup(`${key}_other`);
  template ??= lookup(key) ?? key;
  const term = (name: 'credits' | 'credit'): string => terms[name] ?? lookup(`term.${name}`) ?? name;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (name in params) return String(params[name]);
    if (name === 'credits' || name === 'credit') return term(name);
    return whole;
  });
}
