import type { Request } from 'express';
import type { RateLimitOptions } from '@cloudphone/shared';

const HOUR_MS = 3_600_000;

/**
 * The budget of one email address, whatever IP asks: the address in the body, trimmed and
 * lower-cased (a body without a string email shares one budget and is refused by validation).
 */
function byEmail(request: Request): string {
  const email: unknown = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? `email:${email.trim().toLowerCase().slice(0, 254)}` : 'email:none';
}

/**
 * Limits of the anonymous account routes, per client IP (behind TRUST_PROXY hops) and per address:
 * an IP cannot mass-register, and nobody can flood one inbox with verification or reset mail.
 * Fixed here rather than configured: they bound abuse, and a legitimate user never nears them.
 */
export const ACCOUNT_RATE_LIMITS = {
  registerPerIp: { points: 10, windowMs: HOUR_MS, by: 'ip', name: 'register-ip' },
  registerPerEmail: { points: 3, windowMs: HOUR_MS, by: byEmail, name: 'register-email' },
  mailPerIp: { points: 20, windowMs: HOUR_MS, by: 'ip', name: 'account-mail-ip' },
  mailPerEmail: { points: 5, windowMs: HOUR_MS, by: byEmail, name: 'account-mail-email' },
  tokenPerIp: { points: 30, windowMs: 600_000, by: 'ip', name: 'account-token-ip' },
} as const satisfies Record<string, RateLimitOptions>;
