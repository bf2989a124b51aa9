import type { Brand } from '@creditkit/contract';

/**
 * Agency data is untrusted in the browser. Colors must be plain hex (THREATS 23) and URLs absolute
 * `https:` (THREATS 22); anything else is dropped with a console warning and the default is used.
 */

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

export function safeColor(value: unknown, what = 'color'): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && HEX.test(value)) return value;
  console.warn(`[creditkit] Ignored brand ${what}: expected a hex color like #0b6e4f.`);
  return null;
}

/** An absolute `https:` URL with a host, or null (javascript:, data:, http:, protocol-relative… are refused). */
export function safeUrl(value: unknown, what = 'URL'): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && value.length <= 2048 && /^https:\/\//i.test(value.trim())) {
    try {
      const url = new URL(value.trim());
      if (url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password) return url.href;
    } catch {
      // fall through to the warning
    }
  }
  console.warn(`[creditkit] Ignored brand ${what}: only absolute https: URLs are allowed.`);
  return null;
}

export function safeEmail(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 254) return null;
  return /^[^\s@<>"'`]+@[^\s@<>"'`]+\.[^\s@<>"'`]+$/.test(value) ? value : null;
}

/** Brand colors as `--ck-*` tokens. A page's own `--ck-*` declarations on the widget win over these. */
export function brandTokens(brand: Brand | null): Record<string, string> {
  if (!brand) return {};
  const tokens: Record<string, string> = {};
  const primary = safeColor(brand.colors.primary, 'primary color');
  const accent = safeColor(brand.colors.accent, 'accent color');
  if (primary) tokens['--ck-brand-primary'] = primary;
  if (accent) tokens['--ck-brand-accent'] = accent;
  return tokens;
}

/** Agency-provided text: shown as text (Lit escapes), trimmed to a sane length with an ellipsis (THREATS 21). */
export function safeText(value: unknown, max = 120): string {
  if (typeof value !== 'string') return '';
  // Strip bidi overrides/isolates that could reorder the surrounding UI.
  const clean = value.replace(/[\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean;
}
