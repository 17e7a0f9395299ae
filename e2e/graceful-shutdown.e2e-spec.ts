import { URL } from 'node:url';
import {
  createTestDatabase,
  createTestSecrets,
  serviceEnvironment,
  ServiceProcess,
  TcpProxy,
  TestTokens,
  type TestDatabase,
} from '@cloudphone/shared/testing';

// SIGTERM during a slow request: readiness turns 503 at once, the request in flight still gets its
// answer, new connections are refused, and the process exits 0 well inside its shutdown budget.
describe('graceful shutdown with a request in flight', () => {
  const secrets = createTestSecrets();
  let database: TestDatabase;
  let postgresProxy: TcpProxy;
  let running: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase('user-service');
    const target = new URL(database.url);
    postgresProxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    running = await ServiceProcess.start({
      service: 'user-service',
      env: serviceEnvironment({
        databaseUrl: postgresProxy.wrap(database.url),
        secrets,
        overrides: { HEALTH_CHECK_TIMEOUT_MS: '3000' },
      }),
    });
  });

  afterAll(async () => {
    await running?.stop('SIGKILL');
    await postgresProxy?.close();
    await database?.drop();
  });

  it('drains the in-flight request, then exits 0', async () => {
    postgresProxy.delay(1500);
    const slowRequest = fetch(`${running.url}/users`, {
      headers: { authorization: `Bearer ${new TestTokens(secrets).admin()}` },
    });
    // Let the request reach the service and its query reach the delayed Postgres link.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopping = running.stop('SIGTERM');
    // Only the request already in flight is slow; the shutdown's own queries (relay, cron) are not.
    await new Promise((resolve) => setTimeout(resolve, 200));
    postgresProxy.restore();

    const response = await slowRequest;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { total: number }).total).toBe(0);

    const { code, durationMs } = await stopping;
    expect(code).toBe(0);
    expect(durationMs).toBeLessThan(10000);
    expect(running.logsAtLevel('error', 'fatal')).toEqual([]);
    await expect(fetch(`${running.url}/health/live`)).rejects.toThrow();
  });
});
