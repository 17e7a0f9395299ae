import { performance } from 'node:perf_hooks';
import {
  createSmsVendor,
  SmsVendorError,
  type SmsVendor,
  type SmsVendorErrorCode,
} from '../src/integrations/sms-vendor';
import { FivesimApiServer } from './support/fivesim-api-server';

// The 5sim driver against a local server speaking the documented API subset: an activation's whole
// life, prices and profile, every refusal and failure mapped to its code, and the guards on
// redirects, body size and time.

const API_KEY = 'eyJ0eXAiOiJKV1QifQ.5sim-test-key.0123456789';
/** The timeout the time-guard test holds the driver to. */
const TIMEOUT_MS = 300;
/**
 * The other tests' timeout: what they show is the contract, not timing, and a local answer delayed
 * past 300 ms by a busy machine (two Jest workers on two cores) must not read as VENDOR_UNAVAILABLE.
 */
const CONTRACT_TIMEOUT_MS = 5_000;

/** Expects `work` to fail with an SmsVendorError of `code`, and returns that error. */
async function vendorError(work: Promise<unknown>, code: SmsVendorErrorCode): Promise<SmsVendorError> {
  const error = await work.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SmsVendorError);
  expect((error as SmsVendorError).code).toBe(code);
  expect((error as SmsVendorError).message).not.toContain(API_KEY);
  return error as SmsVendorError;
}

describe('5sim SMS vendor against a local 5sim API', () => {
  let api: FivesimApiServer;
  let vendor: SmsVendor;
  const fivesim = (fields: { apiKey?: string; baseUrl?: string; timeoutMs?: number } = {}) =>
    createSmsVendor({
      kind: 'fivesim',
      baseUrl: fields.baseUrl ?? api.baseUrl,
      apiKey: fields.apiKey ?? API_KEY,
      timeoutMs: fields.timeoutMs ?? CONTRACT_TIMEOUT_MS,
    });

  beforeAll(async () => {
    api = await FivesimApiServer.start(API_KEY);
    vendor = fivesim();
  });

  afterAll(async () => {
    await api.close();
  });

  beforeEach(() => {
    api.reset();
    api.prices = {
      england: {
        telegram: { vodafone: { cost: 12.5, count: 3, rate: 95 }, three: { cost: 9.1, count: 0 } },
        whatsapp: { ee: { cost: 1.1, count: 40 } },
        twitter: { ee: { cost: 4, count: 2 } },
      },
    };
  });

  it('rents, sees no SMS, then the SMS, and finishes, with the Bearer key on each call', async () => {
    const activation = await vendor.rent('telegram', 'GB');

    expect(vendor.kind).toBe('fivesim');
    expect(activation).toEqual({
      activationId: '530000001',
      phoneNumber: '+447700900001',
      countryCode: 'GB',
      service: 'telegram',
      costMinor: 1250n,
      currency: 'RUB',
      expiresAt: new Date(api.order(530000001).expires),
    });
    expect(api.balance).toBe(87.5);
    expect(await vendor.check(activation.activationId)).toEqual({ state: 'waiting', messages: [] });

    api.pushSms(530000001, {
      sender: 'Telegram',
      text: 'Telegram code: 51234. Do not give this code to anyone',
      code: '51234',
      date: '2024-06-01T12:00:05.123456789Z',
    });
    const received = await vendor.check(activation.activationId);
    expect(received).toEqual({
      state: 'received',
      messages: [
        {
          messageId: expect.stringMatching(/^h-[0-9a-f]{32}$/),
          sender: 'Telegram',
          text: 'Telegram code: 51234. Do not give this code to anyone',
          vendorCode: '51234',
          receivedAt: new Date(String(api.order(530000001).sms[0].created_at)),
        },
      ],
    });
    // The id is a hash of the SMS: the same on the next poll, from any replica.
    expect(await fivesim().check(activation.activationId)).toEqual(received);

    await vendor.finish(activation.activationId);
    expect(api.order(530000001).status).toBe('FINISHED');
    expect((await vendor.check(activation.activationId)).state).toBe('finished');
    expect(api.requests.map((request) => request.path)).toEqual([
      '/v1/user/buy/activation/england/any/telegram',
      '/v1/user/check/530000001',
      '/v1/user/check/530000001',
      '/v1/user/check/530000001',
      '/v1/user/finish/530000001',
      '/v1/user/check/530000001',
    ]);
    expect(api.requests.every((request) => request.authorization === `Bearer ${API_KEY}`)).toBe(true);
  });

  it('rounds the price up in exact decimals and writes the number as E.164', async () => {
    const whatsapp = await vendor.rent('whatsapp', 'gb');
    expect(whatsapp.costMinor).toBe(110n); // 1.1 × 100 is 110.00000000000001 in floating point
    expect(whatsapp.countryCode).toBe('GB');

    api.orderFields = { phone: '44 7700-900 123', price: 0.3333 };
    const spaced = await vendor.rent('twitter', 'GB');
    expect(spaced.phoneNumber).toBe('+447700900123');
    expect(spaced.costMinor).toBe(34n);
    // Our service name 'x' is 5sim's product 'twitter'.
    api.orderFields = { price: '7' };
    expect((await vendor.rent('x', 'GB')).costMinor).toBe(700n);
    expect(api.requests.at(-1)?.path).toBe('/v1/user/buy/activation/england/any/twitter');

    api.orderFields = { phone: '+44 7700 900123 ext 5' };
    await vendorError(vendor.rent('whatsapp', 'GB'), 'VENDOR_BAD_RESPONSE');
    api.orderFields = { phone: '+12345' };
    const short = await vendorError(vendor.rent('whatsapp', 'GB'), 'VENDOR_BAD_RESPONSE');
    expect(short.message).toContain('phone');
  });

  it('cancels for a refund, and takes a second cancel or an expired order as done', async () => {
    const before = await vendor.test();
    const { activationId } = await vendor.rent('telegram', 'GB');
    expect((await vendor.test()).balanceMinor).toBe((before.balanceMinor ?? 0n) - 1250n);

    await vendor.cancel(activationId);
    expect(api.order(Number(activationId)).status).toBe('CANCELED');
    expect((await vendor.test()).balanceMinor).toBe(before.balanceMinor);
    expect((await vendor.check(activationId)).state).toBe('cancelled');
    await vendor.cancel(activationId);

    const second = await vendor.rent('telegram', 'GB');
    api.expire(Number(second.activationId));
    expect(await vendor.check(second.activationId)).toEqual({ state: 'expired', messages: [] });
    await vendor.cancel(second.activationId);
  });

  it('refuses to cancel an order with an SMS or to finish one without, and knows no unknown order', async () => {
    const { activationId } = await vendor.rent('telegram', 'GB');
    const early = await vendorError(vendor.finish(activationId), 'UNSUPPORTED');
    expect(early.message).toContain('which is PENDING');

    api.pushSms(Number(activationId), { sender: 'Telegram', text: 'Telegram code: 11111' });
    const late = await vendorError(vendor.cancel(activationId), 'UNSUPPORTED');
    expect(late.message).toContain('order has sms');
    expect(api.order(Number(activationId)).status).toBe('RECEIVED');

    await vendorError(vendor.check('999'), 'ACTIVATION_NOT_FOUND');
    await vendorError(vendor.cancel('999'), 'ACTIVATION_NOT_FOUND');
    const before = api.requests.length;
    await vendorError(vendor.check('sim-abc'), 'ACTIVATION_NOT_FOUND');
    await vendorError(vendor.ban('../profile'), 'ACTIVATION_NOT_FOUND');
    expect(api.requests.length).toBe(before);
  });

  it('bans a bad number, and reads every status 5sim documents', async () => {
    const { activationId } = await vendor.rent('telegram', 'GB');
    await vendor.ban(activationId);
    expect(api.order(Number(activationId)).status).toBe('BANNED');
    expect((await vendor.check(activationId)).state).toBe('banned');
    await vendor.ban(activationId);

    api.order(Number(activationId)).status = 'PENDING';
    expect((await vendor.check(activationId)).state).toBe('waiting');
    api.order(Number(activationId)).status = 'RECEIVED';
    expect((await vendor.check(activationId)).state).toBe('received');
    api.order(Number(activationId)).status = 'TIMEOUT';
    expect((await vendor.check(activationId)).state).toBe('expired');
    api.order(Number(activationId)).status = 'REFUNDED';
    await vendorError(vendor.check(activationId), 'VENDOR_BAD_RESPONSE');

    api.fault = { kind: 'text', status: 400, text: 'order expired', path: '/v1/user/check' };
    expect(await vendor.check(activationId)).toEqual({ state: 'expired', messages: [] });
  });

  it('prices from the cheapest operator with stock, counting every operator’s numbers', async () => {
    expect(await vendor.price('telegram', 'GB')).toEqual({ costMinor: 1250n, currency: 'RUB', available: 3 });
    expect(api.requests.at(-1)).toEqual({
      receivedAt: expect.any(Number),
      path: '/v1/guest/prices',
      query: { country: 'england', product: 'telegram' },
      authorization: null,
    });
    api.prices.england.telegram.three.count = 5;
    expect(await vendor.price('telegram', 'GB')).toEqual({ costMinor: 910n, currency: 'RUB', available: 8 });
    api.prices.england.telegram = { vodafone: { cost: 12.5, count: 0 } };
    expect(await vendor.price('telegram', 'GB')).toEqual({ costMinor: 1250n, currency: 'RUB', available: 0 });

    expect(await vendor.price('instagram', 'GB')).toBeNull();
    expect(await vendor.price('telegram', 'US')).toBeNull(); // 5sim answers "bad country"
    const before = api.requests.length;
    await vendorError(vendor.price('telegram', 'ZZ'), 'UNSUPPORTED');
    await vendorError(vendor.rent('telegram', 'ZZ'), 'UNSUPPORTED');
    await vendorError(vendor.rent('Tele/gram', 'GB'), 'UNSUPPORTED');
    expect(api.requests.length).toBe(before);
  });

  it('tests the key with the profile, reporting the balance rounded down', async () => {
    api.balance = 100.559;
    expect(await vendor.test()).toEqual({
      ok: true,
      latencyMs: expect.any(Number),
      balanceMinor: 10055n,
      currency: 'RUB',
    });
    expect(api.requests.map((request) => request.path)).toEqual(['/v1/user/profile']);
    expect(await fivesim({ apiKey: 'wrong-key' }).test()).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      error: 'VENDOR_AUTH_FAILED: 5sim refused the API key (401)',
    });
  });

  it('maps 5sim’s plain-text refusals to their codes', async () => {
    api.prices.england.telegram.vodafone.count = 0;
    const none = await vendorError(vendor.rent('telegram', 'GB'), 'NO_NUMBERS');
    expect(none.message).toBe('5sim has no free number for that country and product (200: "no free phones")');

    api.balance = 1;
    await vendorError(vendor.rent('twitter', 'GB'), 'VENDOR_BALANCE_LOW');
    const refusals: Array<[number, string, SmsVendorErrorCode]> = [
      [400, 'not enough rating', 'VENDOR_RATE_LIMITED'],
      [400, 'bad country', 'UNSUPPORTED'],
      [400, 'no product', 'UNSUPPORTED'],
      [200, 'server offline', 'VENDOR_UNAVAILABLE'],
      [400, 'something new', 'VENDOR_BAD_RESPONSE'],
    ];
    for (const [status, text, code] of refusals) {
      api.fault = { kind: 'text', status, text };
      await vendorError(vendor.rent('telegram', 'GB'), code);
    }
    api.fault = { kind: 'json', body: { message: 'not enough user balance' } };
    await vendorError(vendor.rent('telegram', 'GB'), 'VENDOR_BALANCE_LOW');
  });

  it('maps a 401 to VENDOR_AUTH_FAILED, and never sends a missing key', async () => {
    await vendorError(fivesim({ apiKey: 'wrong-key' }).rent('telegram', 'GB'), 'VENDOR_AUTH_FAILED');
    const before = api.requests.length;
    await vendorError(fivesim({ apiKey: '' }).check('530000001'), 'VENDOR_AUTH_FAILED');
    expect(api.requests.length).toBe(before);
  });

  it('maps a 429, and a 503 naming the per-address limit, to VENDOR_RATE_LIMITED', async () => {
    api.fault = { kind: 'status', status: 429, headers: { 'Retry-After': '7' } };
    expect((await vendorError(vendor.check('530000001'), 'VENDOR_RATE_LIMITED')).retryAfterMs).toBe(7000);
    api.fault = {
      kind: 'status',
      status: 429,
      headers: { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() },
    };
    const asDate = await vendorError(vendor.check('530000001'), 'VENDOR_RATE_LIMITED');
    expect(asDate.retryAfterMs).toBeGreaterThan(55_000);
    expect(asDate.retryAfterMs).toBeLessThanOrEqual(60_000);
    api.fault = { kind: 'status', status: 503, body: 'ip address limit is 100 requests per second' };
    expect(
      (await vendorError(vendor.check('530000001'), 'VENDOR_RATE_LIMITED')).retryAfterMs,
    ).toBeUndefined();
  });

  it('maps a 5xx to VENDOR_UNAVAILABLE and what cannot be read to VENDOR_BAD_RESPONSE', async () => {
    for (const status of [500, 502, 503]) {
      api.fault = { kind: 'status', status, body: '<html>Bad Gateway</html>' };
      expect((await vendorError(vendor.rent('telegram', 'GB'), 'VENDOR_UNAVAILABLE')).message).toBe(
        `5sim answered ${status}`,
      );
    }
    api.fault = { kind: 'garbage' };
    await vendorError(vendor.check('530000001'), 'VENDOR_BAD_RESPONSE');
    api.fault = { kind: 'json', body: { id: 530000001, phone: '+447700900001', status: 'PENDING' } };
    expect((await vendorError(vendor.check('530000001'), 'VENDOR_BAD_RESPONSE')).message).toContain('price');
    api.fault = { kind: 'json', body: [] };
    expect(await vendor.test()).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      error: 'VENDOR_BAD_RESPONSE: 5sim answered an unexpected body: the profile has no balance',
    });
    api.fault = { kind: 'json', body: { england: { telegram: { ee: { cost: 'free', count: 1 } } } } };
    await vendorError(vendor.price('telegram', 'GB'), 'VENDOR_BAD_RESPONSE');
    api.fault = { kind: 'oversized', bytes: 2 * 1024 * 1024 };
    expect((await vendorError(vendor.check('530000001'), 'VENDOR_BAD_RESPONSE')).message).toBe(
      '5sim answered an oversized body',
    );
  });

  it('answers the wrong order as VENDOR_BAD_RESPONSE and refuses a redirect without following it', async () => {
    const { activationId } = await vendor.rent('telegram', 'GB');
    const other = { ...api.order(Number(activationId)), id: 42 };
    api.fault = { kind: 'json', body: other, path: '/v1/user/check' };
    await vendorError(vendor.check(activationId), 'VENDOR_BAD_RESPONSE');

    const elsewhere = await FivesimApiServer.start(API_KEY);
    try {
      api.fault = {
        kind: 'status',
        status: 302,
        headers: { Location: `${elsewhere.baseUrl}/v1/user/profile` },
      };
      const error = await vendorError(vendor.check(activationId), 'VENDOR_BAD_RESPONSE');
      expect(error.message).toBe('5sim answered a redirect (302); not followed');
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('gives up on an API that does not answer within the timeout, or cannot be reached', async () => {
    api.fault = { kind: 'hang' };
    const started = performance.now();
    const error = await vendorError(
      fivesim({ timeoutMs: TIMEOUT_MS }).check('530000001'),
      'VENDOR_UNAVAILABLE',
    );
    expect(error.message).toBe(`5sim did not answer within ${TIMEOUT_MS} ms`);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 300);

    const closed = await FivesimApiServer.start(API_KEY);
    const baseUrl = closed.baseUrl;
    await closed.close();
    const refused = await vendorError(fivesim({ baseUrl }).rent('telegram', 'GB'), 'VENDOR_UNAVAILABLE');
    expect(refused.message).toBe('5sim could not be reached (ECONNREFUSED)');
  });

  it('stops when the caller aborts, with the caller’s reason', async () => {
    api.fault = { kind: 'hang' };
    const controller = new AbortController();
    const checking = vendor.check('530000001', controller.signal);
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await expect(checking).rejects.toThrow('shutting down');
  });
});
