import { createHmac, timingSafeEqual } from 'node:crypto';
import { PaymentProviderError } from './payment-provider.error';

/** Stripe's default: a signed event older (or newer) than this is refused, so a capture cannot be replayed later. */
export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

/** A header longer than this is no Stripe signature (a few v1 values of 64 hex digits each). */
const MAX_HEADER_LENGTH = 4096;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/** The hex HMAC-SHA256 Stripe signs a webhook with: of `<t>.<raw body>`, keyed by the endpoint secret. */
export function stripeSignature(rawBody: Buffer, timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** A `Stripe-Signature` header value for `rawBody` (what Stripe sends; tests sign with it). */
export function stripeSignatureHeader(rawBody: Buffer, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${stripeSignature(rawBody, timestamp, secret)}`;
}

/**
 * Proves a webhook request came from Stripe: the `Stripe-Signature` header (`t=<unix>,v1=<hex>`,
 * possibly several v1 while a secret is rolled, plus v0 or other schemes we ignore) must hold one v1
 * equal to our HMAC of `<t>.<raw body>` — compared in constant time — and `t` must be within
 * `toleranceSeconds` of `nowSeconds`. Throws WEBHOOK_SIGNATURE_INVALID otherwise, saying which check
 * failed (never the expected value).
 */
export function verifyStripeSignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  secret: string,
  nowSeconds: number,
  toleranceSeconds: number = STRIPE_SIGNATURE_TOLERANCE_SECONDS,
): void {
  // Node joins a repeated header with ", "; the parts read the same either way.
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined || value === '') throw invalid('the Stripe-Signature header is missing');
  if (value.length > MAX_HEADER_LENGTH) throw invalid('the Stripe-Signature header is too long');
  const { timestamp, signatures } = parseHeader(value);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw invalid(`the signature's timestamp is outside the ${toleranceSeconds} s tolerance`);
  }
  const expected = Buffer.from(stripeSignature(rawBody, timestamp, secret), 'hex');
  // Every candidate is compared, so the time taken says nothing about which one matched.
  let matched = false;
  for (const signature of signatures) {
    if (timingSafeEqual(Buffer.from(signature, 'hex'), expected)) matched = true;
  }
  if (!matched) throw invalid('no v1 signature matches the body');
}

function parseHeader(value: string): { timestamp: number; signatures: string[] } {
  const timestamps: string[] = [];
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const key = part.slice(0, separator).trim();
    const item = part.slice(separator + 1).trim();
    if (key === 't') timestamps.push(item);
    else if (key === 'v1' && HEX_SHA256.test(item)) signatures.push(item);
  }
  if (timestamps.length !== 1 || !UNIX_SECONDS.test(timestamps[0])) {
    throw invalid('the Stripe-Signature header needs exactly one t=<unix seconds>');
  }
  if (signatures.length === 0) throw invalid('the Stripe-Signature header has no v1 signature');
  return { timestamp: Number(timestamps[0]), signatures };
}

function invalid(reason: string): PaymentProviderError {
  return new PaymentProviderError('WEBHOOK_SIGNATURE_INVALID', `Webhook signature refused: ${reason}`);
}
