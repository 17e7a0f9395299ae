import { webhookOutcome } from './webhook-outcome';

const response = (status: number, retryAfter: string | null = null) =>
  webhookOutcome({ kind: 'response', status, retryAfter }, Date.parse('2026-03-01T12:00:00Z'));

describe('webhookOutcome', () => {
  it.each([200, 201, 202, 204, 299])('%i is delivered', (status) => {
    expect(response(status)).toEqual({ result: 'delivered' });
  });

  it.each([408, 429, 500, 502, 503, 504, 599, 600, 101])('%i is retried', (status) => {
    expect(response(status)).toEqual({
      result: 'failed',
      code: `WEBHOOK_HTTP_${status}`,
      error: expect.any(String),
      permanent: false,
    });
  });

  it.each([400, 401, 403, 404, 405, 410, 413, 422])('%i is dead at once', (status) => {
    expect(response(status)).toMatchObject({
      result: 'failed',
      code: `WEBHOOK_HTTP_${status}`,
      permanent: true,
    });
  });

  it.each([301, 302, 307, 308])('%i (a redirect, never followed) is dead at once', (status) => {
    expect(response(status)).toMatchObject({
      permanent: true,
      error: expect.stringContaining('redirects are not followed'),
    });
  });

  it('honours Retry-After in seconds or as a date, capped at ten minutes', () => {
    expect(response(429, '30')).toMatchObject({ permanent: false, retryAfterMs: 30_000 });
    expect(response(503, 'Sun, 01 Mar 2026 12:02:00 GMT')).toMatchObject({ retryAfterMs: 120_000 });
    expect(response(503, '86400')).toMatchObject({ retryAfterMs: 600_000 });
    expect(response(503, 'soon')).not.toHaveProperty('retryAfterMs');
    expect(response(400, '30')).not.toHaveProperty('retryAfterMs');
  });

  it('retries timeouts and connection errors; a refused address is dead', () => {
    expect(webhookOutcome({ kind: 'timeout' })).toMatchObject({ code: 'WEBHOOK_TIMEOUT', permanent: false });
    expect(webhookOutcome({ kind: 'network', code: 'ECONNREFUSED' })).toMatchObject({
      code: 'WEBHOOK_UNREACHABLE',
      error: 'connection failed: ECONNREFUSED',
      permanent: false,
    });
    expect(webhookOutcome({ kind: 'refused-address', reason: 'loopback' })).toMatchObject({
      code: 'WEBHOOK_ADDRESS_REFUSED',
      permanent: true,
    });
  });
});
