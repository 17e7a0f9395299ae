import type { SmsVendor } from './sms-vendor';
import { createSmsVendor } from './sms-vendor.factory';
import { SmsVendorError } from './sms-vendor.error';
import { SimulatedSmsVendor } from './simulated-sms-vendor';

const START = Date.parse('2024-06-01T12:00:00Z');
const LIFETIME_MS = 60_000;

/** A vendor on a clock the test sets, as every replica would be (same seed, same options). */
function replica(seed: number, clock: { now: number }, successPercent = 85): SimulatedSmsVendor {
  return new SimulatedSmsVendor({
    seed,
    successPercent,
    delayMs: { min: 0, max: 500 },
    lifetimeMs: LIFETIME_MS,
    now: () => clock.now,
  });
}

describe('SimulatedSmsVendor', () => {
  it('rents a fresh id carrying its creation time, a pool number with the country prefix, and a USD price', async () => {
    const clock = { now: START };
    const vendor = replica(1, clock);
    const first = await vendor.rent('telegram', 'GB');
    const second = await vendor.rent('telegram', 'GB');

    expect(first.activationId).toMatch(new RegExp(`^sim-${START.toString(36)}-telegram-[0-9a-f]{16}$`));
    expect(second.activationId).not.toBe(first.activationId);
    expect(first.phoneNumber).toMatch(/^\+447700900\d{3}$/);
    expect(first).toEqual(
      expect.objectContaining({
        countryCode: 'GB',
        service: 'telegram',
        costMinor: 35n,
        currency: 'USD',
        expiresAt: new Date(START + LIFETIME_MS),
      }),
    );
    const prefixes: Record<string, RegExp> = {
      US: /^\+1\d{10}$/,
      DE: /^\+49\d{11}$/,
      FR: /^\+33\d{9}$/,
      RU: /^\+7\d{10}$/,
      BR: /^\+55\d{11}$/,
      IN: /^\+91\d{10}$/,
      ID: /^\+62\d{11}$/,
      NL: /^\+31\d{9}$/,
      PL: /^\+48\d{9}$/,
    };
    for (const [country, pattern] of Object.entries(prefixes)) {
      expect((await vendor.rent('google', country)).phoneNumber).toMatch(pattern);
    }
    expect((await vendor.rent('somethingelse', 'us')).costMinor).toBe(8n);
  });

  it('refuses a country it does not simulate, a malformed service and an id it did not make', async () => {
    const vendor = replica(1, { now: START });
    await expect(vendor.rent('telegram', 'ZZ')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(vendor.rent('Tele gram', 'US')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(vendor.price('telegram', 'XX')).rejects.toBeInstanceOf(SmsVendorError);
    for (const id of ['12345', 'sim-zz', `sim-${START.toString(36)}-telegram-xyz`]) {
      await expect(vendor.check(id)).rejects.toMatchObject({ code: 'ACTIVATION_NOT_FOUND' });
      await expect(vendor.cancel(id)).rejects.toMatchObject({ code: 'ACTIVATION_NOT_FOUND' });
    }
  });

  it('gives the same outcome for the same activation on every instance with the seed, another with another seed', async () => {
    const clock = { now: START };
    const ids = await Promise.all(
      Array.from({ length: 200 }, () =>
        replica(3, clock)
          .rent('whatsapp', 'DE')
          .then((a) => a.activationId),
      ),
    );
    clock.now = START + LIFETIME_MS - 1;
    const outcomes = (vendor: SmsVendor) => Promise.all(ids.map((id) => vendor.check(id)));

    const here = await outcomes(replica(3, clock));
    expect(await outcomes(replica(3, clock))).toEqual(here);
    expect(await outcomes(replica(4, clock))).not.toEqual(here);

    // Long after expiry the real clock gives the final outcomes, from the factory's driver as well.
    const built = createSmsVendor({
      kind: 'simulated',
      seed: 3,
      delayMs: { min: 0, max: 500 },
      lifetimeMs: LIFETIME_MS,
    });
    const final = await outcomes(built);
    expect(final).toEqual(await outcomes(replica(3, { now: Date.now() })));
    expect(final.map((o) => o.messages)).toEqual(here.map((o) => o.messages));
  });

  it('delivers an SMS to about successPercent of activations, each once its delay has passed', async () => {
    const clock = { now: START };
    const vendor = replica(9, clock, 85);
    const ids: string[] = [];
    for (let index = 0; index < 1000; index += 1) ids.push((await vendor.rent('google', 'US')).activationId);

    clock.now = START + LIFETIME_MS - 1;
    const late = await Promise.all(ids.map((id) => vendor.check(id)));
    const received = late.filter((outcome) => outcome.state === 'received');
    expect(received.length / ids.length).toBeGreaterThan(0.8);
    expect(received.length / ids.length).toBeLessThan(0.9);
    expect(late.every((o) => (o.state === 'received') === (o.messages.length === 1))).toBe(true);
    expect(late.filter((o) => o.state !== 'received').every((o) => o.state === 'waiting')).toBe(true);

    for (const id of ids.slice(0, 50)) {
      clock.now = START + LIFETIME_MS - 1;
      const outcome = await vendor.check(id);
      if (outcome.state !== 'received') continue;
      const arrivedAt = outcome.messages[0].receivedAt.getTime();
      expect(arrivedAt).toBeGreaterThanOrEqual(START);
      expect(arrivedAt).toBeLessThanOrEqual(START + 500);
      clock.now = arrivedAt - 1;
      expect(await vendor.check(id)).toEqual({ state: 'waiting', messages: [] });
      clock.now = arrivedAt;
      expect(await vendor.check(id)).toEqual(outcome);
    }

    clock.now = START + LIFETIME_MS;
    const expired = await Promise.all(ids.map((id) => vendor.check(id)));
    expect(expired.map((o) => o.state)).toEqual(
      late.map((o) => (o.state === 'received' ? 'received' : 'expired')),
    );
  });

  it('words each service’s SMS as that service does, with a 5- or 6-digit code, and changes nothing on finish, cancel or ban', async () => {
    const clock = { now: START };
    const vendor = replica(5, clock, 100);
    const texts: Record<string, RegExp> = {
      telegram: /^Telegram code: (\d{5})\. Do not give this code to anyone/,
      whatsapp: /^<#> Your WhatsApp code: (\d{3})-(\d{3})/,
      google: /^G-(\d{6}) is your Google verification code\.$/,
      discord: /^Your Discord verification code is (\d{6})$/,
      openai: /^Your OpenAI verification code is (\d{6})$/,
    };
    for (const [service, pattern] of Object.entries(texts)) {
      const { activationId } = await vendor.rent(service, 'FR');
      clock.now = START + 500;
      const outcome = await vendor.check(activationId);
      const [message] = outcome.messages;
      const match = pattern.exec(message.text);
      expect(match).not.toBeNull();
      expect(message.vendorCode).toBe(match?.slice(1).join(''));
      expect(message.messageId).toBe('sim-1');

      await vendor.finish(activationId);
      await vendor.cancel(activationId);
      await vendor.ban(activationId);
      expect(await vendor.check(activationId)).toEqual(outcome);
      clock.now = START;
    }
  });

  it('prices from its table, reports a healthy account, and refuses options it would not simulate', async () => {
    const vendor = replica(2, { now: START });
    const price = await vendor.price('whatsapp', 'IN');
    expect(price).toEqual({ costMinor: 40n, currency: 'USD', available: expect.any(Number) });
    expect(await replica(2, { now: START }).price('whatsapp', 'IN')).toEqual(price);
    expect(price.available).toBeGreaterThanOrEqual(20);
    expect(await vendor.test()).toEqual({ ok: true, latencyMs: 0, balanceMinor: 100_000n, currency: 'USD' });

    expect(() => new SimulatedSmsVendor({ seed: 1.5 })).toThrow(RangeError);
    expect(() => new SimulatedSmsVendor({ seed: 1, successPercent: 101 })).toThrow(RangeError);
    expect(() => new SimulatedSmsVendor({ seed: 1, delayMs: { min: 10, max: 5 } })).toThrow(RangeError);
    expect(() => new SimulatedSmsVendor({ seed: 1, lifetimeMs: 0 })).toThrow(RangeError);
  });
});
