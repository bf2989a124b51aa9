import { ERROR_STATUS, type ErrorCode } from '@creditkit/contract';

/** A rule refused the request. Becomes the one error shape with `code` and its HTTP status. */
export class PlatformError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: { path: string; message: string }[] | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    extra?: { issues?: { path: string; message: string }[]; headers?: Record<string, string> },
  ) {
    super(message);
    this.name = 'PlatformError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.issues = extra?.issues;
    this.headers = extra?.headers;
  }
}
