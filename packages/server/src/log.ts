export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Field names whose values are never written, whoever passes them. */
const SECRET_FIELDS =
  /^(authorization|cookie|set-cookie|token|secret|secretkey|password|key|stripe-signature|signature)$/i;
/** Values that look like credentials are masked even under an innocent field name. */
const SECRET_VALUES = /\b(?:(?:sk|rk)_(?:live|test)_|whsec_|ck_sk_|cks_)[A-Za-z0-9._-]+/g;

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.replace(SECRET_VALUES, (m) => `${m.slice(0, m.indexOf('_') + 1)}[redacted]`);
  if (!value || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Error) return { name: value.name, message: scrub(value.message), stack: scrub(value.stack) };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.test(k) ? '[redacted]' : scrub(v, depth + 1);
  return out;
}

/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, then fields) on stdout. Never
 * given headers or keys; secret-looking values that slip into messages are masked anyway.
 */
export function createLogger(
  options: { level?: Level; write?: (line: string) => void; base?: Record<string, unknown> } = {},
): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log =
    (level: Level) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      if (ORDER[level] < min) return;
      const record = { time: new Date().toISOString(), level, msg, ...options.base, ...(scrub(fields) as object) };
      write(JSON.stringify(record));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
