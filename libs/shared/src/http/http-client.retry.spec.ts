import { Logger } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { ScriptedHttpServer } from '../testing/scripted-http-server';
import { HttpClient } from './http-client';
import { HttpClientError, HttpNetworkError, HttpServerError, HttpTimeoutError } from './http-client.errors';
import type { HttpClientPolicy } from './http-client.policy';

// Real HTTP over loopback against a server that fails on purpose. Timings are small but every
// assertion on time is a generous lower bound (or a loose upper one): the machine is shared.

const BASE_POLICY: HttpClientPolicy = {
  deadlineMs: 5000,
  // Generous: a cold first request on a loaded machine must not time out; the tests about
  // timeouts set their own.
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

describe('HttpClient retries and timeouts against a real local server', () => {
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

  describe('retries', () => {
    it('retries an idempotent GET with exponential backoff until it succeeds', async () => {
      server.script((_request, index) => (index < 2 ? unavailable : ok));
      // random() = 1 pins full jitter to its ceiling: waits of 100 ms then 200 ms.
      const http = client({ backoffBaseMs: 100, backoffMaxMs: 1000 }, { random: () => 1 });

      const response = await http.request<{ ok: boolean }>({ method: 'GET', route: 'things' });

      expect(response.body).toEqual({ ok: true });
      expect(response.attempts).toBe(3);
      expect(server.requests).toHaveLength(3);
      const [first, second, third] = server.requests.map((request) => request.receivedAt);
      expect(second - first).toBeGreaterThanOrEqual(90);
      expect(third - second).toBeGreaterThanOrEqual(190);
      expect(third - second).toBeLessThan(2000);
      // One call, one request id, whatever the number of attempts.
      expect(new Set(server.requests.map((request) => request.headers['x-request-id'])).size).toBe(1);
      expect(await metricValue('cloudphone_http_client_retries_total', { reason: 'server_error' })).toBe(2);
      expect(
        await metricValue('cloudphone_http_client_requests_total', { outcome: 'success', status: '200' }),
      ).toBe(1);
    });

    it('gives up after maxRetries and throws the typed 5xx error with the callee code', async () => {
      server.script(() => unavailable);
      const http = client({ maxRetries: 3 });

      const error = await http.get('things').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(HttpServerError);
      expect(error).toMatchObject({ status: 503, code: 'UNAVAILABLE', attempts: 4, target: http.name });
      expect(server.requests).toHaveLength(4);
      expect(
        await metricValue('cloudphone_http_client_requests_total', {
          outcome: 'server_error',
          status: '503',
        }),
      ).toBe(1);
    });

    it('never retries a POST without an Idempotency-Key', async () => {
      server.script(() => unavailable);
      const http = client({ maxRetries: 3 });

      await expect(http.post('orders', { item: 1 })).rejects.toBeInstanceOf(HttpServerError);
      expect(server.requests).toHaveLength(1);
    });

    it('retries a POST carrying an Idempotency-Key, sending the same key every time', async () => {
      server.script((_request, index) => (index < 2 ? unavailable : { status: 201, body: { id: 'x' } }));
      const http = client();

      const response = await http.request({
        method: 'POST',
        route: 'orders',
        body: { item: 1 },
        idempotencyKey: 'order-42',
      });

      expect(response.status).toBe(201);
      expect(server.requests).toHaveLength(3);
      expect(server.requests.map((request) => request.headers['idempotency-key'])).toEqual([
        'order-42',
        'order-42',
        'order-42',
      ]);
      expect(server.requests.every((request) => request.body === JSON.stringify({ item: 1 }))).toBe(true);
    });

    it('retries a POST declared idempotent (a read-only check)', async () => {
      server.script((_request, index) => (index === 0 ? unavailable : ok));
      const http = client();

      await http.post('checks', { a: 1 }, { idempotent: true });

      expect(server.requests).toHaveLength(2);
    });

    it('does not retry a 4xx and throws HttpClientError with the callee body', async () => {
      server.script(() => ({
        status: 409,
        body: { code: 'ALREADY_DONE', message: 'done before', details: { id: 7 }, requestId: 'remote-1' },
      }));
      const http = client({ maxRetries: 3 });

      const error = await http.get('things').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(HttpClientError);
      expect(error).toMatchObject({
        status: 409,
        code: 'ALREADY_DONE',
        details: { id: 7 },
        remoteRequestId: 'remote-1',
        attempts: 1,
        retryable: false,
        targetUnavailable: false,
      });
      expect(server.requests).toHaveLength(1);
    });

    it('names a 4xx without our error body by its status', async () => {
      server.script(() => ({ status: 404, headers: { 'content-type': 'text/html' } }));
      const error = await client()
        .get('missing')
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ status: 404, code: 'HTTP_404' });
    });

    it('retries a dropped connection as a network error', async () => {
      server.script((_request, index) => (index === 0 ? { destroy: true } : ok));
      const response = await client().request({ method: 'GET', route: 'things' });
      expect(response.attempts).toBe(2);
    });

    it('reports a refused connection as HttpNetworkError after its retries', async () => {
      const closed = await ScriptedHttpServer.start(() => ok);
      const url = closed.url;
      await closed.close();
      const http = new HttpClient('gone', url, BASE_POLICY, { metrics });
      clients.push(http);

      const error = await http.get('things').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(HttpNetworkError);
      expect(error).toMatchObject({ code: 'ECONNREFUSED', attempts: 3, targetUnavailable: true });
    });
  });

  describe('Retry-After', () => {
    it('waits as long as a 503 Retry-After asks before retrying', async () => {
      server.script((_request, index) =>
        index === 0 ? { ...unavailable, headers: { 'retry-after': '1' } } : ok,
      );
      const http = client({ backoffBaseMs: 1, backoffMaxMs: 1 });

      await http.get('things');

      expect(server.requests).toHaveLength(2);
      expect(server.requests[1].receivedAt - server.requests[0].receivedAt).toBeGreaterThanOrEqual(950);
    });

    it('retries a 429 after its Retry-After', async () => {
      server.script((_request, index) =>
        index === 0
          ? {
              status: 429,
              body: { code: 'RATE_LIMITED', message: 'slow down' },
              headers: { 'retry-after': '1' },
            }
          : ok,
      );
      await client().get('things');
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1].receivedAt - server.requests[0].receivedAt).toBeGreaterThanOrEqual(950);
    });

    it('gives up at once when Retry-After reaches past the deadline, passing the wait on', async () => {
      server.script(() => ({ ...unavailable, headers: { 'retry-after': '30' } }));
      const started = performance.now();

      const error = await client({ deadlineMs: 2000 })
        .get('things')
        .catch((caught: unknown) => caught);

      expect(error).toMatchObject({ status: 503, retryAfterMs: 30_000, attempts: 1 });
      expect(performance.now() - started).toBeLessThan(1500);
      expect(
        await metricValue('cloudphone_http_client_retries_suppressed_total', { reason: 'deadline' }),
      ).toBe(1);
    });
  });

  describe('timeouts', () => {
    it('abandons a hung attempt after the attempt timeout and retries', async () => {
      server.script((_request, index) => (index === 0 ? { hang: true } : ok));
      const started = performance.now();

      const response = await client({ attemptTimeoutMs: 200 }).request({ method: 'GET', route: 'things' });

      expect(response.attempts).toBe(2);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('throws HttpTimeoutError(attempt) when every attempt hangs', async () => {
      server.script(() => ({ hang: true }));

      const error = await client({ attemptTimeoutMs: 150, maxRetries: 1 })
        .get('things')
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect(error).toMatchObject({ scope: 'attempt', timeoutMs: 150, attempts: 2, targetUnavailable: true });
      expect(server.requests).toHaveLength(2);
    });

    it('stops at the overall deadline, attempts and waits included', async () => {
      server.script(() => ({ status: 200, body: {}, delayMs: 5000 }));
      const started = performance.now();

      const error = await client({ deadlineMs: 400, attemptTimeoutMs: 5000, maxRetries: 5 })
        .get('things')
        .catch((caught: unknown) => caught);

      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect(error).toMatchObject({ scope: 'deadline', timeoutMs: 400 });
      expect(elapsed).toBeGreaterThanOrEqual(380);
      expect(elapsed).toBeLessThan(3000);
      expect(server.requests).toHaveLength(1);
    });

    it('does not start a retry the deadline leaves no room for', async () => {
      server.script(() => ({ hang: true }));
      const error = await client(
        { deadlineMs: 500, attemptTimeoutMs: 200, backoffBaseMs: 400, backoffMaxMs: 400 },
        { random: () => 1 },
      )
        .get('things')
        .catch((caught: unknown) => caught);
      // 200 ms attempt + 400 ms wait > 500 ms deadline: the attempt's own timeout is reported.
      expect(error).toMatchObject({ scope: 'attempt', attempts: 1 });
      expect(server.requests).toHaveLength(1);
    });
  });
});
