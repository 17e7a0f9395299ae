import { randomUUID } from 'node:crypto';
import {
  DOMAIN_EVENTS,
  PROXY_ROUTES,
  type ProxyRentalResponse,
  type ProxyReleasedEventData,
} from '@cloudphone/contracts';
import { manualCronRunContext, waitFor, type InProcessService } from '@cloudphone/shared/testing';
import { ProxyUsageReportJob } from '../src/modules/proxies/rentals/jobs/proxy-usage-report.job';
import { StickySessionExpiryJob } from '../src/modules/proxies/rentals/jobs/sticky-session-expiry.job';
import { OrphanProxyCleanupJob } from '../src/modules/proxies/rentals/jobs/orphan-proxy-cleanup.job';
import { seedProxies, startProxyService } from './proxy-test-app';

// Renting proxies against real Postgres and RabbitMQ: acquire by requirements with the credentials
// decrypted for the renter only, renew, release, the one-renter constraint, binding to an
// allocation (device-service's word), the events that end rentals, expiry, orphans, and the
// charge that reaches billing exactly once.

const path = (route: string, id: string) => route.replace(':id', id);

describe('proxy rentals', () => {
  let app: InProcessService;

  beforeAll(async () => {
    app = await startProxyService();
  });

  afterAll(async () => {
    await app?.close();
  });

  async function acquire(userId: string, body: object = {}): Promise<ProxyRentalResponse> {
    const answer = await app
      .user(userId)
      .post(PROXY_ROUTES.acquire, { countryCode: 'DE', stickyMinutes: 30, ...body });
    expect(answer.status).toBe(201);
    return answer.body as ProxyRentalResponse;
  }

  it('serves every static route before proxy/:id (route order)', async () => {
    for (const route of [
      PROXY_ROUTES.pool,
      PROXY_ROUTES.providers,
      PROXY_ROUTES.providersRanking,
      PROXY_ROUTES.alerts,
      PROXY_ROUTES.available,
      PROXY_ROUTES.pricing,
      PROXY_ROUTES.usageHistory,
      PROXY_ROUTES.poolStats,
      PROXY_ROUTES.qualityDistribution,
      PROXY_ROUTES.costStats,
    ]) {
      const answer = await app.admin.get(route);
      expect(`${route} ${answer.status}`).toBe(`${route} 200`);
    }
  });

  it('rents the best free proxy with its credentials, stored encrypted, shown to the renter only', async () => {
    const { proxies } = await seedProxies(app, 2, { countryCode: 'FR' });
    await app.db.query(`UPDATE proxies SET quality_score = 50 WHERE id = $1`, [proxies[0].id]);
    const renter = randomUUID();
    const rental = await acquire(renter, { countryCode: 'FR' });
    expect(rental).toMatchObject({
      proxyId: proxies[1].id,
      userId: renter,
      status: 'active',
      countryCode: 'FR',
      pricePerHourMicros: '1300000',
      connection: { host: proxies[1].host, port: proxies[1].port, username: 'user-1', password: 'secret-1' },
    });
    const [stored] = await app.db.query<{ password_encrypted: string }>(
      `SELECT password_encrypted FROM proxies WHERE id = $1`,
      [proxies[1].id],
    );
    expect(stored.password_encrypted).toMatch(/^v1:/);
    expect(stored.password_encrypted).not.toContain('secret-1');
    // Another user does not learn it exists; an admin sees it.
    await app.user(randomUUID()).get(path(PROXY_ROUTES.rental, rental.id)).expect(404);
    const adminView = await app.admin.get(path(PROXY_ROUTES.rental, rental.id)).expect(200);
    expect(adminView.body.connection).toBeUndefined();
    const event = await waitFor(
      () => app.observer.received.find(({ envelope }) => envelope.type === DOMAIN_EVENTS.proxyAcquired),
      { description: 'proxy.acquired' },
    );
    expect(event.envelope.data).toMatchObject({ rentalId: rental.id, userId: renter, allocationId: null });
  });

  it('never rents one proxy twice: the second renter gets 409 NO_PROXY_AVAILABLE and an alert is raised', async () => {
    await seedProxies(app, 1, { countryCode: 'JP' });
    await acquire(randomUUID(), { countryCode: 'JP' });
    const second = await app
      .user(randomUUID())
      .post(PROXY_ROUTES.acquire, { countryCode: 'JP', stickyMinutes: 5 });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('NO_PROXY_AVAILABLE');
    const alerts = await app.admin.get(`${PROXY_ROUTES.alerts}?kind=pool_exhausted`).expect(200);
    expect(alerts.body.items).toContainEqual(expect.objectContaining({ subject: 'JP', status: 'open' }));
    // The database refuses a second live rental even if the application tried.
    const [proxy] = await app.db.query<{ proxy_id: string }>(
      `SELECT proxy_id FROM proxy_rentals r JOIN proxies p ON p.id = r.proxy_id WHERE p.country_code = 'JP'`,
    );
    await expect(
      app.db.query(
        `INSERT INTO proxy_rentals (proxy_id, provider, user_id, tenant_id, expires_at, price_per_hour_micros,
           price_per_gb_micros, cost_per_hour_micros, cost_per_gb_micros, currency)
         SELECT id, provider, gen_random_uuid(), 'default', now() + interval '1 hour', 0, 0, 0, 0, 'USD'
         FROM proxies WHERE id = $1`,
        [proxy.proxy_id],
      ),
    ).rejects.toThrow(/proxy_rentals_one_renter_per_proxy/);
  });

  it('renews idempotently, releases once, and answers a second release with the ended rental', async () => {
    await seedProxies(app, 1, { countryCode: 'GB' });
    const renter = randomUUID();
    const rental = await acquire(renter, { countryCode: 'GB', stickyMinutes: 10 });
    const renewed = await app
      .user(renter)
      .post(path(PROXY_ROUTES.renew, rental.id), { stickyMinutes: 60 })
      .expect(200);
    const again = await app
      .user(renter)
      .post(path(PROXY_ROUTES.renew, rental.id), { stickyMinutes: 60 })
      .expect(200);
    expect(Date.parse(renewed.body.expiresAt)).toBeGreaterThan(Date.parse(rental.expiresAt));
    expect(Math.abs(Date.parse(again.body.expiresAt) - Date.parse(renewed.body.expiresAt))).toBeLessThan(
      5000,
    );
    const released = await app.user(renter).post(path(PROXY_ROUTES.release, rental.id)).expect(200);
    expect(released.body).toMatchObject({ status: 'ended', endReason: 'released' });
    expect(released.body.connection).toBeUndefined();
    const twice = await app.user(renter).post(path(PROXY_ROUTES.release, rental.id)).expect(200);
    expect(twice.body.endedAt).toBe(released.body.endedAt);
    const renewEnded = await app.user(renter).post(path(PROXY_ROUTES.renew, rental.id), { stickyMinutes: 5 });
    expect(renewEnded.status).toBe(409);
    expect(renewEnded.body.code).toBe('PROXY_RENTAL_ENDED');
    // The proxy is free again for the next renter.
    await acquire(randomUUID(), { countryCode: 'GB' });
  });

  it('binds only to the renter’s active allocation, as device-service says; 503 while it is down', async () => {
    await seedProxies(app, 3, { countryCode: 'BR' });
    const renter = randomUUID();
    const active = randomUUID();
    const ended = randomUUID();
    app.platform.allocations.set(active, { userId: renter, status: 'active' });
    app.platform.allocations.set(ended, { userId: renter, status: 'released' });
    const someoneElses = randomUUID();
    app.platform.allocations.set(someoneElses, { userId: randomUUID(), status: 'active' });

    const bound = await acquire(renter, { countryCode: 'BR', allocationId: active });
    expect(bound.allocationId).toBe(active);
    const refusals = await Promise.all(
      [ended, someoneElses, randomUUID()].map((allocationId) =>
        app.user(renter).post(PROXY_ROUTES.acquire, { countryCode: 'BR', stickyMinutes: 5, allocationId }),
      ),
    );
    expect(refusals.map((answer) => `${answer.status} ${answer.body.code}`)).toEqual([
      '409 ALLOCATION_NOT_ACTIVE',
      '404 ALLOCATION_NOT_FOUND',
      '404 ALLOCATION_NOT_FOUND',
    ]);

    const down = await app.platform.whileDeviceServiceDown(() =>
      app
        .user(renter)
        .post(PROXY_ROUTES.acquire, { countryCode: 'BR', stickyMinutes: 5, allocationId: active }),
    );
    expect(down.status).toBe(503);
    const [{ live }] = await app.db.query<{ live: number }>(
      `SELECT count(*)::int AS live FROM proxy_rentals r JOIN proxies p ON p.id = r.proxy_id
       WHERE p.country_code = 'BR' AND r.ended_at IS NULL`,
    );
    expect(live).toBe(1);
  });

  it('ends rentals with their allocation (device.released, allocation.expired) once, however often the event comes', async () => {
    await seedProxies(app, 2, { countryCode: 'US' });
    const renter = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    app.platform.allocations.set(first, { userId: renter, status: 'active' });
    app.platform.allocations.set(second, { userId: renter, status: 'active' });
    const byRelease = await acquire(renter, { countryCode: 'US', allocationId: first });
    const byExpiry = await acquire(renter, { countryCode: 'US', allocationId: second });
    const allocationEvent = (allocationId: string) => ({
      allocationId,
      deviceId: randomUUID(),
      userId: renter,
      tenantId: 'default',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T01:00:00.000Z',
      billedSeconds: 3600,
      reason: 'released',
      fencingToken: '1',
      expiredAt: '2026-01-01T01:00:00.000Z',
    });
    await app.publish(DOMAIN_EVENTS.deviceReleased, allocationEvent(first));
    await app.publish(DOMAIN_EVENTS.deviceReleased, allocationEvent(first));
    await app.publish(DOMAIN_EVENTS.allocationExpired, allocationEvent(second));
    for (const rental of [byRelease, byExpiry]) {
      await waitFor(
        async () =>
          (await app.admin.get(path(PROXY_ROUTES.rental, rental.id))).body.endReason === 'allocation_ended',
        { description: `rental ${rental.id} ended with its allocation` },
      );
    }
    await waitFor(
      () =>
        app.observer.received.filter(
          ({ envelope }) =>
            envelope.type === DOMAIN_EVENTS.proxyReleased &&
            (envelope.data as ProxyReleasedEventData).allocationId === first,
        ).length === 1,
      { description: 'one proxy.released for the released allocation' },
    );
  });

  it('ends an overdrawn renter’s rentals on billing.overdue, so they stop accruing charges', async () => {
    await seedProxies(app, 1, { countryCode: 'AT' });
    const renter = randomUUID();
    const rental = await acquire(renter, { countryCode: 'AT' });
    await app.publish(DOMAIN_EVENTS.billingOverdue, {
      userId: renter,
      tenantId: 'default',
      balanceMinor: '-120',
      currency: 'USD',
    });
    await waitFor(
      async () =>
        (await app.admin.get(path(PROXY_ROUTES.rental, rental.id))).body.endReason === 'account_overdue',
      { description: 'rental ended for the overdue account' },
    );
  });

  it('expires sticky sessions and cleans up orphans whose allocation or user is gone', async () => {
    await seedProxies(app, 3, { countryCode: 'NL' });
    const expiring = await acquire(randomUUID(), { countryCode: 'NL', stickyMinutes: 1 });
    await app.db.query(
      `UPDATE proxy_rentals SET started_at = now() - interval '2 minutes', expires_at = now() - interval '1 minute'
       WHERE id = $1`,
      [expiring.id],
    );
    await app.get(StickySessionExpiryJob).expire(manualCronRunContext());
    expect((await app.admin.get(path(PROXY_ROUTES.rental, expiring.id))).body.endReason).toBe('expired');

    const renter = randomUUID();
    const allocationId = randomUUID();
    app.platform.allocations.set(allocationId, { userId: renter, status: 'active' });
    const orphanByAllocation = await acquire(renter, { countryCode: 'NL', allocationId });
    const goneUser = randomUUID();
    const orphanByUser = await acquire(goneUser, { countryCode: 'NL' });
    // Old enough to be past the grace for events still on their way.
    await app.db.query(
      `UPDATE proxy_rentals SET started_at = now() - interval '10 minutes' WHERE id = ANY($1)`,
      [[orphanByAllocation.id, orphanByUser.id]],
    );
    await app.get(OrphanProxyCleanupJob).clean(manualCronRunContext());
    expect((await app.admin.get(path(PROXY_ROUTES.rental, orphanByAllocation.id))).body.status).toBe(
      'active',
    );
    app.platform.allocations.set(allocationId, { userId: renter, status: 'expired' });
    app.platform.goneUsers.add(goneUser);
    await app.get(OrphanProxyCleanupJob).clean(manualCronRunContext());
    expect((await app.admin.get(path(PROXY_ROUTES.rental, orphanByAllocation.id))).body.endReason).toBe(
      'allocation_ended',
    );
    expect((await app.admin.get(path(PROXY_ROUTES.rental, orphanByUser.id))).body.endReason).toBe(
      'user_gone',
    );
  });

  it('charges each ended rental exactly once through the outbox, even when two report runs race', async () => {
    await seedProxies(app, 1, { countryCode: 'IT', costPerHourMicros: 100_000_000 });
    const renter = randomUUID();
    const rental = await acquire(renter, { countryCode: 'IT' });
    await app.db.query(`UPDATE proxy_rentals SET started_at = now() - interval '2 hours' WHERE id = $1`, [
      rental.id,
    ]);
    await app.user(renter).post(path(PROXY_ROUTES.release, rental.id)).expect(200);
    const job = app.get(ProxyUsageReportJob);
    await Promise.all([job.report(manualCronRunContext()), job.report(manualCronRunContext())]);
    const reference = `proxy-rental:${rental.id}`;
    // 2 h at 1.3 dollars per hour (cost 1.00 plus 30 %): 260 cents.
    await waitFor(() => app.platform.chargesReceived().some((charge) => charge.reference === reference), {
      description: 'the charge reached billing',
    });
    const usage = await app.user(renter).get(path(PROXY_ROUTES.rentalUsage, rental.id)).expect(200);
    expect(usage.body).toMatchObject({ charged: true, currency: 'USD' });
    expect(Number(usage.body.amountMinor)).toBeGreaterThanOrEqual(260);
    expect(Number(usage.body.amountMinor)).toBeLessThanOrEqual(261);
    const [{ messages }] = await app.db.query<{ messages: number }>(
      `SELECT count(*)::int AS messages FROM outbox WHERE destination = 'billing-service' AND aggregate_key = $1`,
      [reference],
    );
    expect(messages).toBe(1);
    expect(app.platform.chargesReceived().filter((charge) => charge.reference === reference)).toHaveLength(1);
  });

  it('refuses hostile input with a stable code and writes nothing', async () => {
    const before = await app.db.query(
      `SELECT (SELECT count(*) FROM proxy_rentals) AS r, (SELECT count(*) FROM proxies) AS p`,
    );
    const renter = app.user(randomUUID());
    const bodies: object[] = [
      { countryCode: 'DE', stickyMinutes: 30, city: 'Ber\u0000lin' },
      { countryCode: 'constructor', stickyMinutes: 30 },
      { countryCode: 'DE', stickyMinutes: 1e12 },
      { countryCode: 'DE', stickyMinutes: 30, __proto__: { admin: true }, type: 'constructor' },
      { countryCode: 'DE', stickyMinutes: 30, allocationId: 'not-a-uuid' },
      { countryCode: 'DE', stickyMinutes: 30, userId: randomUUID() },
    ];
    const answers = await Promise.all(bodies.map((body) => renter.post(PROXY_ROUTES.acquire, body)));
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400, 403]);
    for (const answer of answers) expect(answer.body.code).toMatch(/^[A-Z_]+$/);
    const pool = await Promise.all([
      app.admin.post(PROXY_ROUTES.pool, {
        provider: 'x',
        host: 'a b',
        port: 8080,
        protocol: 'http',
        countryCode: 'DE',
        type: 'datacenter',
      }),
      app.admin.post(PROXY_ROUTES.pool, {
        provider: 'x',
        host: '10.0.0.1',
        port: 70000,
        protocol: 'http',
        countryCode: 'DE',
        type: 'datacenter',
      }),
      app.admin.post(PROXY_ROUTES.providers, { name: '__proto__', kind: 'manual', dailyBudgetMicros: 1e18 }),
      app.admin.post(PROXY_ROUTES.providers, { name: 'x', kind: 'webshare' }),
      app.user(randomUUID()).post(PROXY_ROUTES.providers, { name: 'mine', kind: 'manual' }),
      app.admin.get(`${PROXY_ROUTES.costReport}?from=2026-01-01&to=2025-01-01`),
      app.admin.get(path(PROXY_ROUTES.rental, 'constructor')),
    ]);
    expect(pool.map((answer) => `${answer.status} ${answer.body.code}`)).toEqual([
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
      '403 FORBIDDEN',
      '400 VALIDATION_FAILED',
      '400 VALIDATION_FAILED',
    ]);
    expect(
      await app.db.query(
        `SELECT (SELECT count(*) FROM proxy_rentals) AS r, (SELECT count(*) FROM proxies) AS p`,
      ),
    ).toEqual(before);
  });
});
