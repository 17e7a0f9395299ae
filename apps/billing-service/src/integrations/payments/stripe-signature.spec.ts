import { createHmac } from 'node:crypto';
import { PaymentProviderError } from './payment-provider.error';
import { stripeSignature, stripeSignatureHeader, verifyStripeSignature } from './stripe-signature';

const SECRET = 'whsec_test_secret_0123456789';
const NOW = 1_760_000_000;
const BODY = Buffer.from('{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}');

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PaymentProviderError);
    expect((error as PaymentProviderError).code).toBe('WEBHOOK_SIGNATURE_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('Stripe webhook signatures', () => {
  it('signs `<t>.<raw body>` with HMAC-SHA256 of the endpoint secret, in hex (Stripe’s scheme)', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY.toString()}`).digest('hex');
    expect(stripeSignature(BODY, NOW, SECRET)).toBe(expected);
    expect(stripeSignatureHeader(BODY, SECRET, NOW)).toBe(`t=${NOW},v1=${expected}`);
  });

  it('accepts a header signed with the secret, within the tolerance either way', () => {
    expect(() =>
      verifyStripeSignature(BODY, stripeSignatureHeader(BODY, SECRET, NOW), SECRET, NOW),
    ).not.toThrow();
    expect(() =>
      verifyStripeSignature(BODY, stripeSignatureHeader(BODY, SECRET, NOW - 300), SECRET, NOW),
    ).not.toThrow();
    expect(() =>
      verifyStripeSignature(BODY, stripeSignatureHeader(BODY, SECRET, NOW + 300), SECRET, NOW),
    ).not.toThrow();
  });

  it('accepts any one of several v1 signatures (a secret being rolled), ignoring v0 and spaces', () => {
    const good = stripeSignature(BODY, NOW, SECRET);
    const old = stripeSignature(BODY, NOW, 'whsec_old_secret_000000');
    const header = `t=${NOW}, v1=${old}, v0=${'0'.repeat(64)}, v1=${good}`;
    expect(() => verifyStripeSignature(BODY, header, SECRET, NOW)).not.toThrow();
    // Node joins a repeated header into an array or a ", " list: both read the same.
    expect(() =>
      verifyStripeSignature(BODY, [`t=${NOW},v1=${old}`, `v1=${good}`], SECRET, NOW),
    ).not.toThrow();
  });

  it.each([
    ['a missing header', undefined, /missing/],
    ['an empty header', '', /missing/],
    ['no timestamp', `v1=${'a'.repeat(64)}`, /exactly one t=/],
    ['two timestamps', `t=${NOW},t=${NOW},v1=${'a'.repeat(64)}`, /exactly one t=/],
    ['a timestamp in words', `t=yesterday,v1=${'a'.repeat(64)}`, /exactly one t=/],
    ['no v1 signature', `t=${NOW},v0=${'a'.repeat(64)}`, /no v1/],
    ['a v1 that is not 64 hex digits', `t=${NOW},v1=abc`, /no v1/],
    ['an oversized header', `t=${NOW},${'v1=x,'.repeat(2000)}`, /too long/],
  ])('refuses %s', (_case, header, reason) => {
    expect(refusal(() => verifyStripeSignature(BODY, header, SECRET, NOW))).toMatch(reason);
  });

  it('refuses a signature by another secret, of another body, or of another timestamp', () => {
    expect(
      refusal(() =>
        verifyStripeSignature(BODY, stripeSignatureHeader(BODY, 'whsec_other_0000000', NOW), SECRET, NOW),
      ),
    ).toMatch(/no v1 signature matches/);
    const tampered = Buffer.from(BODY.toString().replace('evt_1', 'evt_2'));
    expect(
      refusal(() => verifyStripeSignature(tampered, stripeSignatureHeader(BODY, SECRET, NOW), SECRET, NOW)),
    ).toMatch(/no v1 signature matches/);
    const signature = stripeSignature(BODY, NOW, SECRET);
    expect(refusal(() => verifyStripeSignature(BODY, `t=${NOW - 1},v1=${signature}`, SECRET, NOW))).toMatch(
      /no v1 signature matches/,
    );
  });

  it('refuses a stale or future timestamp even with a valid signature (replay protection)', () => {
    expect(
      refusal(() => verifyStripeSignature(BODY, stripeSignatureHeader(BODY, SECRET, NOW - 301), SECRET, NOW)),
    ).toMatch(/tolerance/);
    expect(
      refusal(() => verifyStripeSignature(BODY, stripeSignatureHeader(BODY, SECRET, NOW + 301), SECRET, NOW)),
    ).toMatch(/tolerance/);
    expect(
      refusal(() =>
        verifyStripeSignature(BODY, stripeSignatureHeader(BODY, SECRET, NOW - 61), SECRET, NOW, 60),
      ),
    ).toMatch(/60 s tolerance/);
  });
});
