import type { ErrorBody } from '@creditkit/contract';
import { PlatformError } from '../errors.js';

export const baseHeaders = (requestId: string, now: number): Record<string, string> => ({
  'x-request-id': requestId,
  'cache-control': 'no-store',
  date: new Date(now).toUTCString(),
});

export function json(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
  });
}

/** The one error shape. Unknown failures become `internal_error` without leaking their message. */
export function errorResponse(error: unknown, requestId: string, headers: Record<string, string>): Response {
  const e =
    error instanceof PlatformError ? error : new PlatformError('internal_error', 'Something went wrong on our side.');
  const body: ErrorBody = { error: { code: e.code, message: e.message, requestId } };
  if (e.issues) body.error.issues = e.issues;
  return json(e.status, body, { ...headers, ...e.headers });
}
