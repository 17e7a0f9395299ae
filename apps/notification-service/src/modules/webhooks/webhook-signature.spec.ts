import { createHmac } from 'node:crypto';
import { newWebhookSecret, signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"d-1","type":"device.allocated"}';

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> keyed with the whole secret', () => {
    // The vector a receiver can reproduce with any HMAC library.
    const expected = createHmac('sha256', 'whsec_test-secret')
      .update('1700000000.{"id":"d-1","type":"device.allocated"}')
      .digest('hex');
    expect(signWebhook(secret, body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies its own signature within the tolerance', () => {
    const header = signWebhook(secret, body, 1_700_000_000);
    expect(verifyWebhookSignature(secret, body, header, 1_700_000_000)).toBe(true);
    expect(verifyWebhookSignature(secret, body, header, 1_700_000_299)).toBe(true);
  });

  it('rejects another secret, an altered body, an altered timestamp and an old or future one', () => {
    const header = signWebhook(secret, body, 1_700_000_000);
    expect(verifyWebhookSignature('whsec_other', body, header, 1_700_000_000)).toBe(false);
    expect(verifyWebhookSignature(secret, `${body} `, header, 1_700_000_000)).toBe(false);
    expect(
      verifyWebhookSignature(secret, body, header.replace('t=1700000000', 't=1700000001'), 1_700_000_001),
    ).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, 1_700_000_301)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, 1_699_999_699)).toBe(false);
  });

  it('rejects malformed headers without throwing', () => {
    for (const header of ['', 't=', 'v1=abc', 't=abc,v1=00', 't=1700000000,v1=zz', 't=1700000000', ',,=,']) {
      expect(verifyWebhookSignature(secret, body, header, 1_700_000_000)).toBe(false);
    }
  });

  it('accepts any of several v1 values (room for a secret rollover)', () => {
    const good = signWebhook(secret, body, 1_700_000_000).split(',')[1];
    const header = `t=1700000000,v1=${'0'.repeat(64)},${good}`;
    expect(verifyWebhookSignature(secret, body, header, 1_700_000_000)).toBe(true);
  });

  it('makes secrets of whsec_ and 32 random bytes in base64url', () => {
    const secrets = new Set(Array.from({ length: 50 }, newWebhookSecret));
    expect(secrets.size).toBe(50);
    for (const value of secrets) {
      expect(value).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(value.slice(6), 'base64url')).toHaveLength(32);
    }
  });
});
