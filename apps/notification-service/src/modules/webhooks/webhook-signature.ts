import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every signing secret starts so, which makes one recognisable in a leak scanner or a config file. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and 32 random bytes, base64url (256 bits the receiver must keep). */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * The X-Cloudphone-Signature value of one request: `t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `<t>.<raw body>`, keyed with the whole secret string (UTF-8). The timestamp is inside the MAC,
 * so a receiver that rejects old timestamps also rejects a captured request replayed later.
 */
export function signWebhook(secret: string, rawBody: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${webhookMac(secret, timestampSeconds, rawBody)}`;
}

/**
 * Checks a signature as docs/webhooks.md tells receivers to: a `v1` equal to the MAC (compared in
 * constant time) and a timestamp within `toleranceSeconds` of `nowSeconds`. Used by tests and by
 * anyone who wants a reference; the service itself only signs.
 */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) continue;
    const key = item.slice(0, at).trim();
    parts.set(key, [...(parts.get(key) ?? []), item.slice(at + 1).trim()]);
  }
  const timestamp = parts.get('t')?.[0];
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookMac(secret, Number(timestamp), rawBody), 'hex');
  return (parts.get('v1') ?? []).some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function webhookMac(secret: string, timestampSeconds: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
}
