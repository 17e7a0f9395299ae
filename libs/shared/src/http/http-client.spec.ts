import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { TokenService } from '../auth/token.service';
import { RequestContext } from '../logging/request-context';
import { MetricsService } from '../metrics/metrics.service';
import { ScriptedHttpServer } from '../testing/scripted-http-server';
import { HttpClient } from './http-client';
import { CircuitOpenError, HttpClientError, HttpServerError, HttpTimeoutError } from './http-client.errors';
import type { HttpClientPolicy } from './http-client.policy';
import { HttpClientRegistry } from './http-client.registry';

// Real HTTP over loopback against a server that fails on purpose. Timings are small but every
// assertion on time is a generous lower bound (or a loose upper one): the machine is shared.

const BASE_POLICY: HttpClientPolicy = {
  deadlineMs: 5000,
  // Generous: an answer from the loopback server is never late on purpose here, and a cold first
  // request on a loaded machine must not time out (the test about timeouts sets its own).
  attemptTimeoutMs: 2000,
  maxRetries: 2,
  backoffBaseMs: 20,
  backoffMaxMs: 200,
  // Budget and breaker are kept out of the way except in the tests about them.
  retryBudgetRatio: 1,
  retryBudgetMinRetries: 1000,
  retryBudgetWindowMs: 10_000,
  breakerErrorPercent: 50,
  breakerMinRequests: 100_000,
  breakerResetMs: 400,
  breakerWindowMs: 10_000,
};

const unavailable = { status: 503, body: { code: 'UNAVAILABLE', message: 'try later' } };
const ok = { status: 200, body: { ok: true } };

describe('HttpClient breaker, retry budget and headers against a real local server', () => {
  let server: ScriptedHttpServer;
  let metrics: MetricsService;
  const clients: HttpClient[] = [];

  function client(policy: Partial<HttpClientPolicy> = {}, extra: { random?: () => number } = {}): HttpClient {
    const created = new HttpClient(
      `target-${clients.length}`,
      server.url,
      { ...BASE_POLICY, ...policy },
      {
        metrics,
        random: extra.random,
      },
    );
    clients.push(created);
    return created;
  }

  async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
    const metric = metrics.registry.getSingleMetric(name);
    if (!metric) return 0;
    const { values } = await metric.get();
    return values
      .filter((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected))
      .reduce((sum, value) => sum + value.value, 0);
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    server = await ScriptedHttpServer.start(() => ok);
  });

  beforeEach(() => {
    metrics = new MetricsService('test-caller');
  });

  afterEach(() => {
    for (const created of clients.splice(0)) created.shutdown();
  });

  afterAll(async () => {
    await server.close();
  });

  describe('circuit breaker (one per target)', () => {
    const breakerPolicy: Partial<HttpClientPolicy> = {
      maxRetries: 0,
      breakerMinRequests: 4,
      breakerErrorPercent: 50,
      breakerResetMs: 400,
    };

    it('opens after the failure ratio, fails fast, half-opens after the reset time and closes on a good probe', async () => {
      server.script(() => ({ status: 500, body: { code: 'BOOM', message: 'down' } }));
      const http = client(breakerPolicy);

      for (let call = 0; call < 4; call += 1) {
        await expect(http.get(`things/${call}`)).rejects.toBeInstanceOf(HttpServerError);
      }
      expect(http.circuitState()).toBe('open');
      expect(await metricValue('cloudphone_http_client_circuit_state', { target: http.name })).toBe(2);

      // Open: no request reaches the target, whatever the route.
      const rejected = await http.get('other').catch((caught: unknown) => caught);
      expect(rejected).toBeInstanceOf(CircuitOpenError);
      expect((rejected as CircuitOpenError).retryAfterMs).toBeLessThanOrEqual(400);
      expect((rejected as CircuitOpenError).attempts).toBe(0);
      expect(server.requests).toHaveLength(4);
      expect(await metricValue('cloudphone_http_client_requests_total', { outcome: 'circuit_open' })).toBe(1);

      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(http.circuitState()).toBe('half_open');

      // Half-open: exactly one probe goes through; a concurrent call is refused meanwhile.
      server.script(() => ({ ...ok, delayMs: 150 }));
      const [probe, concurrent] = await Promise.allSettled([http.get('probe'), http.get('concurrent')]);
      expect(probe.status).toBe('fulfilled');
      expect(concurrent.status === 'rejected' && concurrent.reason).toBeInstanceOf(CircuitOpenError);
      expect(server.requests.map((request) => request.url)).toEqual(['/probe']);
      expect(http.circuitState()).toBe('closed');
      expect(await metricValue('cloudphone_http_client_circuit_state', { target: http.name })).toBe(0);

      await expect(http.get('after')).resolves.toEqual({ ok: true });
    });

    it('re-opens when the half-open probe fails', async () => {
      server.script(() => ({ hang: true }));
      const http = client({ ...breakerPolicy, attemptTimeoutMs: 100 });
      for (let call = 0; call < 4; call += 1) {
        await expect(http.get('things')).rejects.toBeInstanceOf(HttpTimeoutError);
      }
      expect(http.circuitState()).toBe('open');

      await new Promise((resolve) => setTimeout(resolve, 500));
      server.script(() => unavailable);
      await expect(http.get('probe')).rejects.toBeInstanceOf(HttpServerError);

      expect(http.circuitState()).toBe('open');
      await expect(http.get('again')).rejects.toBeInstanceOf(CircuitOpenError);
      expect(server.requests).toHaveLength(1);
    });

    it('does not count 4xx answers against the target', async () => {
      server.script(() => ({ status: 400, body: { code: 'VALIDATION_FAILED', message: 'bad' } }));
      const http = client(breakerPolicy);
      for (let call = 0; call < 10; call += 1) {
        await expect(http.get('things')).rejects.toBeInstanceOf(HttpClientError);
      }
      expect(http.circuitState()).toBe('closed');
      expect(server.requests).toHaveLength(10);
    });

    it('counts failed retries of one call as failures of the target', async () => {
      server.script(() => unavailable);
      const http = client({ ...breakerPolicy, maxRetries: 3 });
      // One call, four attempts: enough to open the breaker shared by every call to the target.
      await expect(http.get('things')).rejects.toBeInstanceOf(HttpServerError);
      expect(http.circuitState()).toBe('open');
    });
  });

  describe('retry budget', () => {
    it('caps retries during an outage to the budgeted share of requests', async () => {
      server.script(() => unavailable);
      const http = client({
        maxRetries: 3,
        backoffBaseMs: 1,
        backoffMaxMs: 2,
        retryBudgetRatio: 0.2,
        retryBudgetMinRetries: 2,
      });
      const calls = 50;

      for (let batch = 0; batch < calls / 10; batch += 1) {
        await Promise.allSettled(Array.from({ length: 10 }, () => http.get('things')));
      }

      // Without a budget: 50 × 4 = 200 requests. With it: 50 + at most 2 + 20% of 50.
      const retries = server.requests.length - calls;
      expect(retries).toBeGreaterThan(0);
      expect(retries).toBeLessThanOrEqual(2 + 0.2 * calls);
      expect(
        await metricValue('cloudphone_http_client_retries_suppressed_total', { reason: 'budget' }),
      ).toBeGreaterThan(0);
    });
  });

  describe('headers', () => {
    it('sends the service token, the caller request id and JSON headers on every attempt', async () => {
      const tokens = new TokenService('j'.repeat(32), 's'.repeat(32), 'device-service');
      server.script((_request, index) => (index === 0 ? unavailable : ok));
      const http = new HttpClient('headers-target', server.url, BASE_POLICY, {
        metrics,
        serviceToken: () => tokens.serviceToken(),
      });
      clients.push(http);
      const requestId = `req-${randomUUID()}`;

      await RequestContext.run({ requestId }, () => http.post('things', { a: 1 }, { idempotent: true }));

      expect(server.requests).toHaveLength(2);
      for (const request of server.requests) {
        expect(request.headers['x-request-id']).toBe(requestId);
        expect(request.headers['content-type']).toBe('application/json');
        const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
        expect(tokens.verify(token)).toEqual({ kind: 'service', service: 'device-service' });
      }
    });

    it('makes up a request id outside a request, and fills route params and query', async () => {
      server.script(() => ok);
      await client().request({
        method: 'GET',
        route: 'users/:userId/items',
        params: { userId: 'a b/c' },
        query: { page: 2, unread: true, skipped: undefined },
      });
      expect(server.requests[0].url).toBe('/users/a%20b%2Fc/items?page=2&unread=true');
      expect(server.requests[0].headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('HttpClientRegistry', () => {
    it('hands out one client (one breaker) per target name', () => {
      const registry = new HttpClientRegistry(BASE_POLICY, { metrics });
      const first = registry.client({ name: 'user-service', baseUrl: server.url });
      const second = registry.client({ name: 'user-service', baseUrl: `${server.url}/` });
      expect(second).toBe(first);
      expect(registry.client({ name: 'billing-service', baseUrl: server.url })).not.toBe(first);
      expect(() => registry.client({ name: 'user-service', baseUrl: 'http://127.0.0.1:1' })).toThrow(
        /another base URL/,
      );
      expect(
        registry.client({ name: 'tuned', baseUrl: server.url, policy: { maxRetries: 7 } }).policy.maxRetries,
      ).toBe(7);
      registry.onApplicationShutdown();
    });
  });
});
