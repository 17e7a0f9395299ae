import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SERVICE_CATALOG, type ServiceName } from '@cloudphone/contracts';
import {
  consumerQueueNames,
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  serviceEnvironment,
  ServiceProcess,
  TestTokens,
  uniqueTestId,
  repositoryRoot,
  waitFor,
  type TestDatabase,
} from '@cloudphone/shared/testing';

// Every service boots against the real Postgres/Redis/RabbitMQ, serves its operational endpoints
// and first list endpoint, reports a dead dependency by name, and stops cleanly on SIGTERM.
const BUILD_REVISION = '0123abc';
const ROOT_PACKAGE = JSON.parse(readFileSync(join(repositoryRoot(), 'package.json'), 'utf8')) as {
  version: string;
};
const LIST_PATHS: Record<ServiceName, string> = {
  'user-service': '/users',
  'device-service': '/devices',
  'billing-service': '/billing/accounts',
  'notification-service': '/notifications',
  'proxy-service': '/proxy/pool',
  'sms-receive-service': '/sms/numbers',
};

describe.each(Object.values(SERVICE_CATALOG).map((service) => service.name))('%s boot', (service) => {
  const secrets = createTestSecrets();
  const tokens = new TestTokens(secrets);
  // A service with @OnEvent handlers declares its queues in this namespace; afterAll deletes them.
  const messagingNamespace = uniqueTestId('boot');
  const retryDelaysMs = [1000];
  const environment = (overrides: Record<string, string> = {}) =>
    serviceEnvironment({
      databaseUrl: database.url,
      secrets,
      messagingNamespace,
      overrides: { EVENTS_CONSUMER_RETRY_DELAYS_MS: retryDelaysMs.join(','), ...overrides },
    });
  let database: TestDatabase;
  let running: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase(service);
    running = await ServiceProcess.start({ service, env: environment({ BUILD_REVISION: BUILD_REVISION }) });
  });

  afterAll(async () => {
    await running?.stop('SIGKILL');
    await database?.drop();
    const observer = await EventObserver.connect(`${messagingNamespace}.events`);
    await observer.cleanUp(consumerQueueNames(messagingNamespace, service, retryDelaysMs));
  });

  it('is ready, live, documented and measured', async () => {
    const ready = await fetch(`${running.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'up',
      checks: { postgres: { status: 'up' }, redis: { status: 'up' }, rabbitmq: { status: 'up' } },
    });
    expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
    const openApi = await fetch(`${running.url}/docs/openapi.json`);
    expect(openApi.status).toBe(200);
    expect(Object.keys(((await openApi.json()) as { paths: object }).paths)).toContain(LIST_PATHS[service]);
    expect((await fetch(`${running.url}/docs`)).status).toBe(200);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect(metrics).toMatch(
      /http_request_duration_seconds_bucket\{[^}]*route="\/health\/ready",status_code="200"/,
    );
    // The replica is the scrape target's `instance`; the service sets only `service` itself.
    expect(metrics).toContain(
      `cloudphone_build_info{version="${ROOT_PACKAGE.version}",revision="${BUILD_REVISION}",service="${service}"} 1`,
    );
    expect(metrics).not.toMatch(/[{,]instance="/);
  });

  it('serves its list endpoint with pagination and refuses bad queries with VALIDATION_FAILED', async () => {
    const authorization = { authorization: `Bearer ${tokens.admin()}` };
    const page = await fetch(`${running.url}${LIST_PATHS[service]}?page=1&limit=5`, {
      headers: authorization,
    });
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({ items: [], page: 1, limit: 5, total: 0, totalPages: 0 });

    const bad = await fetch(`${running.url}${LIST_PATHS[service]}?limit=100000&sort=password`, {
      headers: { ...authorization, 'x-request-id': 'boot-test-1' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-request-id')).toBe('boot-test-1');
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', requestId: 'boot-test-1' });

    const anonymous = await fetch(`${running.url}${LIST_PATHS[service]}`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('logs the request’s X-Request-Id and the instance id (default <hostname>-<pid>) as JSON', async () => {
    const requestId = uniqueTestId('req');
    const response = await fetch(`${running.url}${LIST_PATHS[service]}?page=1&limit=1`, {
      headers: { authorization: `Bearer ${tokens.admin()}`, 'x-request-id': requestId },
    });
    expect(response.status).toBe(200);
    const line = await waitFor(() => running.logs.find((log) => log.requestId === requestId), {
      description: `a log line carrying request id ${requestId}`,
    });
    // pino-http's field names; the URL without its query string, no headers.
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request completed',
      req: { id: requestId, method: 'GET', url: LIST_PATHS[service] },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
      service,
      instanceId: `${hostname()}-${running.pid}`,
    });
  });

  it('runs the database pool monitor, measuring its own pool by application_name', async () => {
    const admin = { authorization: `Bearer ${tokens.admin()}` };
    const listing = (await (await fetch(`${running.url}/internal/cron`, { headers: admin })).json()) as {
      jobs: Array<{ name: string }>;
    };
    expect(listing.jobs.some((job) => job.name === 'database-pool-monitor')).toBe(true);
    const triggered = await fetch(`${running.url}/internal/cron/database-pool-monitor/trigger`, {
      method: 'POST',
      headers: admin,
    });
    // 409: this minute's scheduled run holds the job lock, which fills the same gauges.
    expect([202, 409]).toContain(triggered.status);
    const series = `cloudphone_database_connections_by_application{application_name="${service}:${hostname()}-${running.pid}"`;
    const countsOwnPool = (metrics: string) =>
      metrics
        .split('\n')
        .some(
          (line) =>
            /^[,}]/.test(line.slice(series.length)) &&
            line.startsWith(series) &&
            Number(line.split(' ').at(-1)) > 0,
        );
    await waitFor(async () => countsOwnPool(await (await fetch(`${running.url}/metrics`)).text()), {
      description: `the pool monitor to count ${service}'s own connections`,
    });
  });

  it('answers unknown routes with a JSON NOT_FOUND', async () => {
    const response = await fetch(`${running.url}/no/such/route`, {
      headers: { authorization: `Bearer ${tokens.admin()}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stays ready, reporting Redis degraded, when Redis is unreachable; READINESS_STRICT answers 503', async () => {
    const unreachable = { REDIS_URL: 'redis://127.0.0.1:1', HEALTH_CHECK_TIMEOUT_MS: '500' };
    // Started together: each boot is most of this test's time.
    const [lenient, strict] = await Promise.all([
      ServiceProcess.start({ service, env: environment(unreachable) }),
      ServiceProcess.start({
        service,
        env: environment({ ...unreachable, READINESS_STRICT: 'true' }),
        waitUntil: 'listening',
      }),
    ]);
    try {
      const degraded = await fetch(`${lenient.url}/health/ready`);
      expect(degraded.status).toBe(200);
      expect(await degraded.json()).toMatchObject({
        status: 'degraded',
        down: [],
        degraded: ['redis'],
        checks: { redis: { status: 'down', required: false }, postgres: { status: 'up', required: true } },
      });
      // RabbitMQ connects in the background after listening; wait until only Redis is missing.
      const body = await waitFor(
        async () => {
          const response = await fetch(`${strict.url}/health/ready`);
          const answer = (await response.json()) as {
            code: string;
            message: string;
            details: { down: string[] };
          };
          return response.status === 503 && answer.details.down.join() === 'redis' && answer;
        },
        { description: 'strict readiness to report only redis down', timeoutMs: 10000 },
      );
      expect(body.code).toBe('NOT_READY');
      expect(body.message).toBe('Not ready: redis down');
      expect((await fetch(`${strict.url}/health/live`)).status).toBe(200);
    } finally {
      await Promise.all([lenient.stop('SIGKILL'), strict.stop('SIGKILL')]);
    }
  });

  it('exits 0 within 10 s of SIGTERM without logging an error', async () => {
    const { code, durationMs } = await running.stop('SIGTERM');
    expect(code).toBe(0);
    expect(durationMs).toBeLessThan(10000);
    expect(running.logsAtLevel('error', 'fatal')).toEqual([]);
    expect(running.logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutdown started', 'shutdown complete']),
    );
  });
});
