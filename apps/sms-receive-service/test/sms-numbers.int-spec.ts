import { randomUUID } from 'node:crypto';
import {
  DOMAIN_EVENTS,
  SMS_RECEIVE_ROUTES,
  type SmsCodeReceivedEventData,
  type SmsNumberExpiredEventData,
  type SmsNumberResponse,
} from '@cloudphone/contracts';
import { manualCronRunContext, waitFor, type InProcessService } from '@cloudphone/shared/testing';
import { BlacklistMaintenanceJob } from '../src/modules/sms/numbers/jobs/blacklist-maintenance.job';
import { NumberExpiryJob } from '../src/modules/sms/numbers/jobs/number-expiry.job';
import { NumberPoolRefillJob } from '../src/modules/sms/numbers/jobs/number-pool-refill.job';
import { NumberPoolReleaseJob } from '../src/modules/sms/numbers/jobs/number-pool-release.job';
import { SmsMessagePollingJob } from '../src/modules/sms/numbers/jobs/sms-message-polling.job';
import { SmsProviderHealthJob } from '../src/modules/sms/providers/jobs/sms-provider-health.job';
import { FivesimApiServer } from './support/fivesim-api-server';
import { startSmsService } from './sms-test-app';

// Numbers for SMS codes against real Postgres and RabbitMQ, with the simulated vendor and a local
// server speaking 5sim's API: a code arriving (extracted, stored once, charged once, announced), a
// number expiring without a message (cancelled at the provider, costing nothing), cancel and
// finish, binding to an allocation, the warm pool, the blacklist, provider health, hostile input.

const path = (route: string, id: string) => route.replace(':id', id);
const FIVESIM_KEY = 'fivesim-test-key';

describe('sms numbers', () => {
  let app: InProcessService;
  let fivesim: FivesimApiServer;
  let simulatedId: string;
  let fivesimId: string;

  beforeAll(async () => {
    fivesim = await FivesimApiServer.start(FIVESIM_KEY);
    fivesim.reset();
    fivesim.balance = 1000;
    fivesim.prices = { england: { whatsapp: { virtual21: { cost: 12.5, count: 40 } } } };
    app = await startSmsService({
      SMS_SIMULATED_SUCCESS_PERCENT: '100',
      SMS_SIMULATED_MIN_DELAY_MS: '0',
      SMS_SIMULATED_MAX_DELAY_MS: '200',
      SMS_SERVICE_PRICES: 'telegram:30',
      SMS_POOL_TARGETS: 'discord:US:2',
      SMS_POOL_DAILY_BUDGET_MINOR: '10000',
    });
    simulatedId = (
      await app.admin.post(SMS_RECEIVE_ROUTES.providers, { name: 'sim', kind: 'simulated' }).expect(201)
    ).body.id;
    fivesimId = (
      await app.admin
        .post(SMS_RECEIVE_ROUTES.providers, {
          name: '5sim',
          kind: 'fivesim',
          apiUrl: fivesim.baseUrl,
          apiKey: FIVESIM_KEY,
        })
        .expect(201)
    ).body.id;
  });

  afterAll(async () => {
    await app?.close();
    await fivesim?.close();
  });

  const poll = () => app.get(SmsMessagePollingJob).poll(manualCronRunContext());
  const toggleSimulated = (enabled: boolean) =>
    app.admin.patch(path(SMS_RECEIVE_ROUTES.providerToggle, simulatedId), { enabled }).expect(200);

  async function rent(userId: string, body: object): Promise<SmsNumberResponse> {
    const answer = await app.user(userId).post(SMS_RECEIVE_ROUTES.numbers, body);
    expect(`${answer.status} ${answer.body.code ?? ''}`).toBe('201 ');
    return answer.body as SmsNumberResponse;
  }

  it('serves every static route before sms/:id (route order)', async () => {
    for (const route of [
      SMS_RECEIVE_ROUTES.numbers,
      SMS_RECEIVE_ROUTES.messages,
      SMS_RECEIVE_ROUTES.verificationCodes,
      SMS_RECEIVE_ROUTES.statistics,
      SMS_RECEIVE_ROUTES.providers,
      SMS_RECEIVE_ROUTES.providersPerformance,
    ]) {
      const answer = await app.admin.get(route);
      expect(`${route} ${answer.status}`).toBe(`${route} 200`);
    }
  });

  it('delivers a code: extracted, stored once, charged once and announced, and a long poll gets it', async () => {
    const user = randomUUID();
    const number = await rent(user, { service: 'telegram', countryCode: 'GB' });
    expect(number).toMatchObject({
      status: 'waiting',
      provider: 'sim',
      priceMinor: '30',
      code: null,
      userId: user,
    });
    expect(number.phoneNumber).toMatch(/^\+44/);
    const waiting = app.user(user).get(`${path(SMS_RECEIVE_ROUTES.numberCode, number.id)}?waitSeconds=10`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Two passes at once: one of them stores and charges the code.
    await Promise.all([poll(), poll()]);
    await poll();
    const code = await waiting;
    expect(code.status).toBe(200);
    expect(code.body).toMatchObject({ status: 'received', code: expect.stringMatching(/^\d{5,6}$/) });
    const messages = await app.user(user).get(path(SMS_RECEIVE_ROUTES.numberMessages, number.id)).expect(200);
    expect(messages.body.items).toHaveLength(1);
    expect(messages.body.items[0].text).toContain(code.body.code);
    const reference = `sms-number:${number.id}`;
    await waitFor(() => app.platform.chargesReceived().some((charge) => charge.reference === reference), {
      description: 'the charge reached billing',
    });
    expect(app.platform.chargesReceived().filter((charge) => charge.reference === reference)).toEqual([
      expect.objectContaining({ amountMinor: '30', userId: user, source: 'sms' }),
    ]);
    await waitFor(
      () =>
        app
          .events<SmsCodeReceivedEventData>(DOMAIN_EVENTS.smsCodeReceived)
          .some((event) => event.numberId === number.id),
      { description: 'sms.code_received' },
    );
    const codes = await app.user(user).get(SMS_RECEIVE_ROUTES.verificationCodes).expect(200);
    expect(codes.body.items.map((item: { code: string }) => item.code)).toEqual([code.body.code]);
    // Someone else neither sees the number nor its message.
    await app.user(randomUUID()).get(path(SMS_RECEIVE_ROUTES.number, number.id)).expect(404);
    await app.user(randomUUID()).get(path(SMS_RECEIVE_ROUTES.message, messages.body.items[0].id)).expect(404);
    // A code received: cancelling is refused, finishing tells the provider.
    const cancel = await app.user(user).post(path(SMS_RECEIVE_ROUTES.numberCancel, number.id));
    expect(cancel.body.code).toBe('SMS_NUMBER_HAS_CODE');
    const finished = await app.user(user).post(path(SMS_RECEIVE_ROUTES.numberFinish, number.id)).expect(200);
    expect(finished.body).toMatchObject({ status: 'finished', endReason: 'finished' });
  });

  describe('with 5sim the only enabled provider', () => {
    beforeAll(() => toggleSimulated(false));
    afterAll(() => toggleSimulated(true));

    it('through 5sim: a number that expires without a message is cancelled there and costs nothing', async () => {
      const user = randomUUID();
      const number = await rent(user, { service: 'whatsapp', countryCode: 'GB' });
      expect(number.provider).toBe('5sim');
      const [order] = [...fivesim.orders.values()].slice(-1);
      expect(
        fivesim.requests.every(
          (recorded) =>
            recorded.path.startsWith('/v1/guest') || recorded.authorization === `Bearer ${FIVESIM_KEY}`,
        ),
      ).toBe(true);
      await poll();
      await app.db.query(`UPDATE sms_numbers SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        number.id,
      ]);
      await app.get(NumberExpiryJob).expire(manualCronRunContext());
      const expired = await app.user(user).get(path(SMS_RECEIVE_ROUTES.number, number.id)).expect(200);
      expect(expired.body).toMatchObject({ status: 'expired', endReason: 'expired', code: null });
      await waitFor(() => fivesim.order(order.id).status === 'CANCELED', {
        description: 'cancelled at 5sim (refunded)',
      });
      expect(
        app.platform.chargesReceived().filter((charge) => charge.reference === `sms-number:${number.id}`),
      ).toEqual([]);
      const [{ charged }] = await app.db.query<{ charged: Date | null }>(
        `SELECT charged_at AS charged FROM sms_numbers WHERE id = $1`,
        [number.id],
      );
      expect(charged).toBeNull();
      await waitFor(
        () =>
          app
            .events<SmsNumberExpiredEventData>(DOMAIN_EVENTS.smsNumberExpired)
            .some((event) => event.numberId === number.id),
        { description: 'sms.number_expired' },
      );
    });

    it('through 5sim: a code pushed at the provider reaches the user, and cancel of an unused number is free', async () => {
      const user = randomUUID();
      const number = await rent(user, { service: 'whatsapp', countryCode: 'GB' });
      const [order] = [...fivesim.orders.values()].slice(-1);
      fivesim.pushSms(order.id, { sender: 'WhatsApp', text: '<#> Your WhatsApp code: 482-913' });
      await poll();
      const got = await app.user(user).get(path(SMS_RECEIVE_ROUTES.number, number.id)).expect(200);
      expect(got.body).toMatchObject({ status: 'received', code: '482913' });

      const unused = await rent(user, { service: 'whatsapp', countryCode: 'GB' });
      const cancelled = await app
        .user(user)
        .post(path(SMS_RECEIVE_ROUTES.numberCancel, unused.id))
        .expect(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', endReason: 'cancelled' });
      // A second cancel answers the cancelled number; finishing it is refused.
      await app.user(user).post(path(SMS_RECEIVE_ROUTES.numberCancel, unused.id)).expect(200);
      expect((await app.user(user).post(path(SMS_RECEIVE_ROUTES.numberFinish, unused.id))).body.code).toBe(
        'SMS_NUMBER_ENDED',
      );
      const [last] = [...fivesim.orders.values()].slice(-1);
      await waitFor(() => fivesim.order(last.id).status === 'CANCELED', { description: 'refunded at 5sim' });
    });
  });

  it('binds to the user’s active allocation and gives the number back when the allocation ends', async () => {
    const user = randomUUID();
    const allocationId = randomUUID();
    app.platform.allocations.set(allocationId, { userId: user, status: 'active' });
    const bound = await rent(user, { service: 'google', countryCode: 'DE', allocationId });
    expect(bound.allocationId).toBe(allocationId);
    const refused = await app
      .user(user)
      .post(SMS_RECEIVE_ROUTES.numbers, { service: 'google', countryCode: 'DE', allocationId: randomUUID() });
    expect(refused.body.code).toBe('ALLOCATION_NOT_FOUND');
    await app.publish(DOMAIN_EVENTS.allocationExpired, {
      allocationId,
      deviceId: randomUUID(),
      userId: user,
      tenantId: 'default',
      startedAt: '2026-01-01T00:00:00.000Z',
      expiredAt: '2026-01-01T01:00:00.000Z',
      billedSeconds: 3600,
      fencingToken: '1',
    });
    await waitFor(
      async () =>
        (await app.user(user).get(path(SMS_RECEIVE_ROUTES.number, bound.id))).body.endReason ===
        'allocation_ended',
      {
        description: 'number ended with its allocation',
      },
    );
  });

  it('keeps a warm pool within budget, serves rents from it, and gives back what is about to expire', async () => {
    await app.get(NumberPoolRefillJob).refill(manualCronRunContext());
    const pool = await app.db.query<{ phone: string }>(
      `SELECT phone_number AS phone FROM sms_numbers WHERE status = 'pooled'`,
    );
    expect(pool).toHaveLength(2);
    const rented = await rent(randomUUID(), { service: 'discord', countryCode: 'US' });
    expect(pool.map((row) => row.phone)).toContain(rented.phoneNumber);
    await app.db.query(
      `UPDATE sms_numbers SET expires_at = now() + interval '10 seconds' WHERE status = 'pooled'`,
    );
    await app.get(NumberPoolReleaseJob).release();
    const [{ pooled }] = await app.db.query<{ pooled: number }>(
      `SELECT count(*)::int AS pooled FROM sms_numbers WHERE status = 'pooled'`,
    );
    expect(pooled).toBe(0);
  });

  it('blacklists numbers that keep expiring without a code, and tells unhealthy providers apart', async () => {
    const phone = '+447700900999';
    await app.db.query(
      `INSERT INTO sms_numbers (provider, activation_id, phone_number, country_code, service, status, user_id, tenant_id,
                                cost_minor, cost_currency, price_minor, currency, expires_at, ended_at, end_reason)
       SELECT 'sim', 'old-' || i, $1, 'GB', 'telegram', 'expired', gen_random_uuid(), 'default', 1, 'USD', 1, 'USD',
              now() - interval '1 hour', now() - interval '1 hour', 'expired'
       FROM generate_series(1, 2) AS i`,
      [phone],
    );
    await app.get(BlacklistMaintenanceJob).maintain();
    const [entry] = await app.db.query<{ kind: string }>(
      `SELECT kind FROM sms_blacklist WHERE subject = $1`,
      [phone],
    );
    expect(entry.kind).toBe('number');

    fivesim.fault = { kind: 'status', status: 401 };
    try {
      for (let check = 0; check < 3; check++)
        await app.get(SmsProviderHealthJob).check(manualCronRunContext());
    } finally {
      fivesim.fault = null;
    }
    const providers = await app.admin.get(SMS_RECEIVE_ROUTES.providers).expect(200);
    const health = Object.fromEntries(
      providers.body.map((provider: { name: string; healthy: boolean }) => [provider.name, provider.healthy]),
    );
    expect(health).toEqual({ sim: true, '5sim': false });
    // An unhealthy provider is not asked: with the simulated one disabled too, none is usable.
    await toggleSimulated(false);
    const none = await app
      .user(randomUUID())
      .post(SMS_RECEIVE_ROUTES.numbers, { service: 'whatsapp', countryCode: 'GB' });
    await toggleSimulated(true);
    expect(`${none.status} ${none.body.code} ${none.body.details.tried.length}`).toBe(
      '409 NO_NUMBER_AVAILABLE 0',
    );
    await app.get(SmsProviderHealthJob).check(manualCronRunContext());
    expect((await app.admin.get(path(SMS_RECEIVE_ROUTES.provider, fivesimId))).body.healthy).toBe(true);
    const performance = await app.admin.get(SMS_RECEIVE_ROUTES.providersPerformance).expect(200);
    expect(performance.body.items.map((item: { provider: string }) => item.provider)).toEqual([
      '5sim',
      'sim',
    ]);
  });

  it('refuses hostile input with a stable code and writes nothing', async () => {
    const [before] = await app.db.query(
      `SELECT (SELECT count(*) FROM sms_numbers) AS n, (SELECT count(*) FROM sms_providers) AS p`,
    );
    const user = app.user(randomUUID());
    const answers = await Promise.all([
      user.post(SMS_RECEIVE_ROUTES.numbers, { service: 'Tele\u0000gram', countryCode: 'GB' }),
      user.post(SMS_RECEIVE_ROUTES.numbers, { service: 'telegram', countryCode: 'constructor' }),
      user.post(SMS_RECEIVE_ROUTES.numbers, { service: 'x'.repeat(41), countryCode: 'GB' }),
      user.post(SMS_RECEIVE_ROUTES.numbers, { service: 'telegram', countryCode: 'GB', userId: randomUUID() }),
      user.post(SMS_RECEIVE_ROUTES.numbersBatch, {
        items: Array.from({ length: 11 }, () => ({ service: 'telegram', countryCode: 'GB' })),
      }),
      user.get(`${path(SMS_RECEIVE_ROUTES.numberCode, randomUUID())}?waitSeconds=31`),
      user.get(path(SMS_RECEIVE_ROUTES.message, '__proto__')),
      app.admin.post(SMS_RECEIVE_ROUTES.providers, { name: 'x', kind: 'fivesim' }),
      app.admin.post(SMS_RECEIVE_ROUTES.providers, {
        name: 'y',
        kind: 'fivesim',
        apiKey: 'k',
        apiUrl: 'http://user:pw@127.0.0.1',
      }),
      user.post(SMS_RECEIVE_ROUTES.providers, { name: 'mine', kind: 'simulated' }),
    ]);
    expect(answers.map((answer) => `${answer.status} ${answer.body.code}`)).toEqual([
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '403 FORBIDDEN',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '403 FORBIDDEN',
    ]);
    const [after] = await app.db.query(
      `SELECT (SELECT count(*) FROM sms_numbers) AS n, (SELECT count(*) FROM sms_providers) AS p`,
    );
    expect(after).toEqual(before);
  });
});
