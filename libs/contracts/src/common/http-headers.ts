/**
 * Header names callers and callees agree on. Node lower-cases incoming header names, so these are
 * lower case too and work both for reading (`request.header(...)`) and for sending.
 */
export const HTTP_HEADERS = {
  requestId: 'x-request-id',
  idempotencyKey: 'idempotency-key',
  retryAfter: 'retry-after',
} as const;
