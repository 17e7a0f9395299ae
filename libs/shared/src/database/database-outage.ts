import { driverErrorOf } from './database-query.error';

// What a lost, refused or exhausted database looks like from node-postgres and its pool. Repositories
// never see these as outcomes: they reach the error filter, which answers 503 DATABASE_UNAVAILABLE.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
// SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
// Class 08 is "connection exception".
const CONNECTION_EXCEPTION_CLASS = '08';
const DRIVER_MESSAGES = [
  // pg-pool: no connection free within connectionTimeoutMillis (the pool is exhausted or the server mute).
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/**
 * Whether `error` says the service's own database cannot be reached (refused, lost mid-statement,
 * shutting down, out of connections, or the pool could not hand out a connection in time), as
 * opposed to a statement that failed on its own merits.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = driverErrorOf(error);
  if (!(cause instanceof Error)) return false;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SERVER_CODES.has(code)) return true;
    if (code.length === 5 && code.startsWith(CONNECTION_EXCEPTION_CLASS)) return true;
  }
  return DRIVER_MESSAGES.some((message) => cause.message.startsWith(message));
}

/**
 * The log level for a background pass that failed with `error`: a database outage fails every pass
 * until it ends and readiness (with its alert) reports it once, so it is a warning; anything else
 * is an error someone must look at.
 */
export function backgroundFailureLevel(error: unknown): 'warn' | 'error' {
  return isDatabaseUnavailable(error) ? 'warn' : 'error';
}
