import { randomUUID } from 'node:crypto';
import {
  PROXY_ROUTES,
  type ProxyProviderResponse,
  type ProxyResponse,
  type ProxyRentalResponse,
} from '@cloudphone/contracts';
import { manualCronRunContext, type InProcessService } from '@cloudphone/shared/testing';
import { Server as ProxyChainServer } from 'proxy-chain';
import { ProxyCostMonitorJob } from '../src/modules/proxies/costs/jobs/proxy-cost-monitor.job';
import { ProviderRankingJob } from '../src/modules/proxies/providers/jobs/provider-ranking.job';
import { ProxyHealthProbeJob } from '../src/modules/proxies/quality/jobs/proxy-health-probe.job';
import { ProxyQualityScoringJob } from '../src/modules/proxies/quality/jobs/proxy-quality-scoring.job';
import { startProxyService } from './proxy-test-app';
import { TargetTestServer } from './support/target-test-server';
import { WebshareApiServer, webshareProxy } from './support/webshare-api-server';

// Quality, providers and money against real servers: probes go through a real local proxy
// (proxy-chain) to a local target and fail when the proxy is cut, quarantine keeps a failing proxy
// from new renters until it works again; providers import from the simulated vendor and from a
// local server speaking Webshare's API; spend per provider raises one budget alert per day.

const path = (route: string, id: string) => route.replace(':id', id);
const USERNAME = 'probe-user';
const PASSWORD = 'probe-pass';

async function startProxy(port = 0): Promise<ProxyChainServer> {
  const server = new ProxyChainServer({
    port,
    host: '127.0.0.1',
    prepareRequestFunction: ({ username, password }) => ({
      requestAuthentication: username !== USERNAME || password !== PASSWORD,
    }),
  });
  await server.listen();
  return server;
}

describe('proxy quality, providers and costs', () => {
  let app: InProcessService;
  let target: TargetTestServer;
  let webshare: WebshareApiServer;

  beforeAll(async () => {
    target = await TargetTestServer.start();
    webshare = await WebshareApiServer.start('webshare-test-key');
    app = await startProxyService({
      PROXY_PROBE_TARGET_URL: target.url('/generate_204').toString(),
      PROXY_PROBE_TIMEOUT_MS: '1500',
      PROXY_QUARANTINE_AFTER_FAILURES: '2',
      PROXY_SIMULATED_POOL_SIZE: '12',
    });
  });

  afterAll(async () => {
    await app?.close();
    await target?.close();
    await webshare?.close();
  });

  it('probes through the real proxy, quarantines it when it is cut, and lets it back when it works', async () => {
    let proxyServer = await startProxy();
    const port = proxyServer.port;
    await app.admin.post(PROXY_ROUTES.providers, { name: 'office', kind: 'manual' }).expect(201);
    const added = await app.admin
      .post(PROXY_ROUTES.pool, {
        provider: 'office',
        host: '127.0.0.1',
        port,
        protocol: 'http',
        countryCode: 'SE',
        type: 'datacenter',
        username: USERNAME,
        password: PASSWORD,
      })
      .expect(201);
    const proxy = added.body as ProxyResponse;
    expect(proxy.hasCredentials).toBe(true);
    expect(JSON.stringify(proxy)).not.toContain(PASSWORD);

    const seen = target.requests.length;
    const probe = await app.admin.post(path(PROXY_ROUTES.test, proxy.id)).expect(200);
    expect(probe.body).toMatchObject({ proxyId: proxy.id, ok: true, error: null, consecutiveFailures: 0 });
    expect(target.requests.length).toBe(seen + 1);

    await proxyServer.close(true);
    await app.get(ProxyHealthProbeJob).probe(manualCronRunContext());
    const second = await app.admin.post(path(PROXY_ROUTES.test, proxy.id)).expect(200);
    expect(second.body).toMatchObject({ ok: false, consecutiveFailures: 2 });
    expect(second.body.error).toMatch(/refused/);
    expect(second.body.quarantinedUntil).not.toBeNull();
    const quarantined = await app.admin.get(path(PROXY_ROUTES.poolProxy, proxy.id)).expect(200);
    expect(quarantined.body).toMatchObject({ state: 'quarantined', lastProbeOk: false });
    const refused = await app
      .user(randomUUID())
      .post(PROXY_ROUTES.acquire, { countryCode: 'SE', stickyMinutes: 5 });
    expect(refused.body.code).toBe('NO_PROXY_AVAILABLE');

    await app.get(ProxyQualityScoringJob).score(manualCronRunContext());
    const scored = await app.admin.get(path(PROXY_ROUTES.poolProxy, proxy.id)).expect(200);
    expect(scored.body.qualityScore).toBeLessThan(50);

    proxyServer = await startProxy(port);
    try {
      const back = await app.admin.post(path(PROXY_ROUTES.test, proxy.id)).expect(200);
      expect(back.body).toMatchObject({ ok: true, consecutiveFailures: 0, quarantinedUntil: null });
      const rental = await app
        .user(randomUUID())
        .post(PROXY_ROUTES.acquire, { countryCode: 'SE', stickyMinutes: 5 })
        .expect(201);
      expect((rental.body as ProxyRentalResponse).connection).toMatchObject({ port, username: USERNAME });
    } finally {
      await proxyServer.close(true);
    }
  });

  it('imports the simulated vendor once (a second import updates), ranks providers, and a disabled one rents nothing', async () => {
    const created = await app.admin
      .post(PROXY_ROUTES.providers, { name: 'sim', kind: 'simulated' })
      .expect(201);
    const provider = created.body as ProxyProviderResponse;
    const first = await app.admin.post(path(PROXY_ROUTES.providerImport, provider.id)).expect(200);
    expect(first.body).toEqual({ imported: 12, updated: 0, skipped: 0 });
    const second = await app.admin.post(path(PROXY_ROUTES.providerImport, provider.id)).expect(200);
    expect(second.body).toEqual({ imported: 0, updated: 12, skipped: 0 });
    await app.admin
      .post(path(PROXY_ROUTES.providerTest, provider.id))
      .expect(200, { ok: true, latencyMs: 0, error: null });

    // Simulated proxies are probed by the vendor's seeded model, not the network.
    await app.get(ProxyHealthProbeJob).probe(manualCronRunContext());
    await app.get(ProviderRankingJob).rank();
    const ranking = await app.admin.get(PROXY_ROUTES.providersRanking).expect(200);
    expect(ranking.body.items.map((item: { name: string }) => item.name)).toContain('sim');

    const { body: pool } = await app.admin.get(`${PROXY_ROUTES.pool}?provider=sim&limit=100`).expect(200);
    const country = (pool.items as ProxyResponse[])[0].countryCode;
    await app.admin.patch(path(PROXY_ROUTES.providerToggle, provider.id), { enabled: false }).expect(200);
    const refused = await app
      .user(randomUUID())
      .post(PROXY_ROUTES.acquire, { countryCode: country, stickyMinutes: 5 });
    expect(refused.body.code).toBe('NO_PROXY_AVAILABLE');
    await app.admin.patch(path(PROXY_ROUTES.providerToggle, provider.id), { enabled: true }).expect(200);
    await app
      .user(randomUUID())
      .post(PROXY_ROUTES.acquire, { countryCode: country, stickyMinutes: 5 })
      .expect(201);

    await app.admin.delete(path(PROXY_ROUTES.provider, provider.id)).expect(409);
    const unused = await app.admin
      .post(PROXY_ROUTES.providers, { name: 'unused', kind: 'manual' })
      .expect(201);
    await app.admin.delete(path(PROXY_ROUTES.provider, unused.body.id)).expect(204);
  });

  it('imports from Webshare’s API with the stored key, and answers its refusals with 502 PROXY_VENDOR_FAILED', async () => {
    webshare.proxies = [
      webshareProxy(1),
      webshareProxy(2, { country_code: 'DE' }),
      webshareProxy(3, { valid: false }),
    ];
    const created = await app.admin
      .post(PROXY_ROUTES.providers, {
        name: 'webshare',
        kind: 'webshare',
        apiUrl: webshare.baseUrl,
        apiKey: 'webshare-test-key',
      })
      .expect(201);
    expect(created.body).toMatchObject({ hasApiKey: true });
    expect(JSON.stringify(created.body)).not.toContain('webshare-test-key');
    const imported = await app.admin.post(path(PROXY_ROUTES.providerImport, created.body.id)).expect(200);
    expect(imported.body).toEqual({ imported: 2, updated: 0, skipped: 0 });
    expect(webshare.requests.every((request) => request.authorization === 'Token webshare-test-key')).toBe(
      true,
    );

    await app.admin.put(path(PROXY_ROUTES.provider, created.body.id), { apiKey: 'revoked-key' }).expect(200);
    const refused = await app.admin.post(path(PROXY_ROUTES.providerImport, created.body.id));
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({
      code: 'PROXY_VENDOR_FAILED',
      details: { vendorCode: 'VENDOR_AUTH_FAILED' },
    });
    const test = await app.admin.post(path(PROXY_ROUTES.providerTest, created.body.id)).expect(200);
    expect(test.body.ok).toBe(false);
  });

  it('adds up spend per provider and day and raises one budget alert a day, whichever run sees it', async () => {
    await app.admin
      .post(PROXY_ROUTES.providers, { name: 'pricey', kind: 'manual', dailyBudgetMicros: 1_000 })
      .expect(201);
    await app.admin
      .post(PROXY_ROUTES.pool, {
        provider: 'pricey',
        host: '192.0.2.10',
        port: 3128,
        protocol: 'http',
        countryCode: 'CH',
        type: 'residential',
        costPerHourMicros: 36_000_000,
      })
      .expect(201);
    const renter = randomUUID();
    const rental = await app
      .user(renter)
      .post(PROXY_ROUTES.acquire, { countryCode: 'CH', stickyMinutes: 60 })
      .expect(201);
    // Ten minutes at 36 cents an hour: 6 cents = 6,000,000 µ (10,000 µ a second), far over the 1,000 µ
    // budget. Today's spend is the part after midnight UTC (all of it, but within ten minutes of it).
    await app.db.query(`UPDATE proxy_rentals SET started_at = now() - interval '10 minutes' WHERE id = $1`, [
      rental.body.id,
    ]);
    const secondsToday = Math.min(
      600,
      (Date.now() - Date.parse(new Date().toISOString().slice(0, 10))) / 1000,
    );
    const stats = await app.admin.get(PROXY_ROUTES.costStats).expect(200);
    const pricey = stats.body.items.find((item: { provider: string }) => item.provider === 'pricey');
    expect(Number(pricey.todayMicros)).toBeGreaterThanOrEqual(Math.floor(secondsToday) * 10_000);
    expect(pricey).toMatchObject({ dailyBudgetMicros: '1000', overBudget: true });

    const job = app.get(ProxyCostMonitorJob);
    await Promise.all([job.monitor(manualCronRunContext()), job.monitor(manualCronRunContext())]);
    const alerts = await app.admin.get(`${PROXY_ROUTES.alerts}?kind=budget_exceeded`).expect(200);
    const mine = alerts.body.items.filter((alert: { subject: string }) => alert.subject === 'pricey');
    expect(mine).toHaveLength(1);
    const acknowledged = await app.admin.post(path(PROXY_ROUTES.alertAcknowledge, mine[0].id)).expect(200);
    expect(acknowledged.body.status).toBe('acknowledged');
    const resolved = await app.admin.post(path(PROXY_ROUTES.alertResolve, mine[0].id)).expect(200);
    expect(resolved.body.status).toBe('resolved');
    // Never back: acknowledging a resolved alert leaves it resolved.
    expect((await app.admin.post(path(PROXY_ROUTES.alertAcknowledge, mine[0].id))).body.status).toBe(
      'resolved',
    );

    const today = new Date().toISOString().slice(0, 10);
    const report = await app.admin.get(`${PROXY_ROUTES.costReport}?from=${today}&to=${today}`).expect(200);
    expect(report.body.items).toContainEqual(
      expect.objectContaining({ day: today, provider: 'pricey', rentals: 1 }),
    );
    const distribution = await app.admin.get(PROXY_ROUTES.qualityDistribution).expect(200);
    expect(distribution.body.bands).toHaveLength(5);
    const poolStats = await app.admin.get(PROXY_ROUTES.poolStats).expect(200);
    expect(poolStats.body.activeRentals).toBeGreaterThanOrEqual(1);
  });
});
