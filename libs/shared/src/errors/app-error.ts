/** Field-level or structured detail attached to an error response. */
export type ErrorDetails = Record<string, unknown> | Array<Record<string, unknown>>;

/**
 * An error with a stable machine-readable code and the HTTP status it maps to. Modules create them
 * through their `<domain>.errors.ts` factories; the global filter turns them into JSON responses.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
    readonly details?: ErrorDetails,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
