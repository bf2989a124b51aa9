import type { Money } from '@creditkit/contract';
import { MILLICREDITS_PER_CREDIT } from '@creditkit/contract/browser';

// The one formatting module: Intl formatters are costly to build, so each (kind, locale, options) is made once.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
const cached = <T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  kind: new (locale?: string, options?: object) => T,
  locale: string | undefined,
  options: object,
): T => {
  const key = `${kind.name}|${locale}|${JSON.stringify(options)}`;
  let formatter = cache.get(key) as T | undefined;
  if (!formatter) cache.set(key, (formatter = new kind(locale, options)));
  return formatter;
};

/** A plain number (minutes, SMS counts), grouped for the locale. */
export const formatNumber = (value: number, locale?: string, options: Intl.NumberFormatOptions = {}): string =>
  cached(Intl.NumberFormat, locale, options).format(value);

/** Credits from integer millicredits: `123456` → "123.46" (en). */
export const formatCredits = (millicredits: number, locale?: string, maximumFractionDigits = 2): string =>
  formatNumber(millicredits / MILLICREDITS_PER_CREDIT, locale, { maximumFractionDigits });

/** Money from integer minor units, with the currency's own fraction digits (USD 2, JPY 0, BHD 3). */
export const formatMoney = ({ amount, currency }: Money, locale?: string): string => {
  const formatter = cached(Intl.NumberFormat, locale, { style: 'currency', currency });
  return formatter.format(amount / 10 ** (formatter.resolvedOptions().maximumFractionDigits ?? 2));
};

/** A date (or date and time) from an RFC 3339 string or ms since the epoch. */
export const formatDate = (
  value: string | number,
  locale?: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' },
): string => cached(Intl.DateTimeFormat, locale, options).format(new Date(value));

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000_000],
  ['month', 2_592_000_000],
  ['week', 604_800_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "in 3 days", "2 hours ago": the largest whole unit; `now` should be the server's (`client.serverNow()`). */
export const formatRelative = (value: string | number, locale?: string, now = Date.now()): string => {
  const ms = new Date(value).getTime() - now;
  const [unit, size] = UNITS.find(([, size]) => Math.abs(ms) >= size) ?? ['second', 1000];
  return cached(Intl.RelativeTimeFormat, locale, { numeric: 'auto' }).format(Math.round(ms / size), unit);
};
