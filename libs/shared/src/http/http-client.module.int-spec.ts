import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Controller, type INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { USER_ROUTES } from '@cloudphone/contracts';
import { Public } from '../auth/public.decorator';
import { TokenService } from '../auth/token.service';
import { InfrastructureModule } from '../bootstrap/infrastructure.module';
import { PlatformServiceConfig } from '../bootstrap/platform-service.config';
import { loadConfig } from '../config/config-loader';
import { requestIdMiddleware } from '../logging/request-id.middleware';
import { ScriptedHttpServer } from '../testing/scripted-http-server';
import { createTestSecrets, serviceEnvironment } from '../testing/service-environment';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { BillingClient } from './billing.client';
import { HttpClientRegistry } from './http-client.registry';
import { type QuotaCheckOutcome, QuotaClient } from './quota.client';

// The typed clients as an app gets them: injected from InfrastructureModule.forRoot, configured
// from the environment, called inside a real request (request id) with the real service token.

class CallerConfig extends PlatformServiceConfig {
  readonly serviceName = 'device-service';
}

@Controller('probe')
class QuotaProbeController {
  constructor(private readonly quota: QuotaClient) {}

  @Public()
  @Post()
  check(): Promise<QuotaCheckOutcome> {
    return this.quota.check({ userId: randomUUID(), devices: 1, cpuCores: 2, memoryMb: 2048, storageGb: 16 });
  }
}

@Module({ controllers: [QuotaProbeController] })
class QuotaProbeModule {}

describe('HttpClientModule wired by InfrastructureModule.forRoot', () => {
  const secrets = createTestSecrets();
  let database: TestDatabase;
  let userService: ScriptedHttpServer;
  let app: INestApplication;
  let appUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('device-service', { migrate: false });
    userService = await ScriptedHttpServer.start(() => ({ status: 200, body: {} }));
    const config = loadConfig(
      CallerConfig,
      serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        overrides: {
          USER_SERVICE_URL: userService.url,
          HTTP_CLIENT_MAX_RETRIES: '1',
          HTTP_CLIENT_BACKOFF_BASE_MS: '5',
        },
      }),
    );
    app = await NestFactory.create(
      {
        module: class CallerAppModule {},
        imports: [InfrastructureModule.forRoot({ config }), QuotaProbeModule],
      },
      { logger: false },
    );
    app.use(requestIdMiddleware);
    await app.listen(0, '127.0.0.1');
    appUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await userService?.close();
    await database?.drop();
  });

  it('injects QuotaClient, BillingClient and one registry whose clients are shared per target', () => {
    const registry = app.get(HttpClientRegistry);
    expect(app.get(QuotaClient)).toBeInstanceOf(QuotaClient);
    expect(app.get(BillingClient)).toBeInstanceOf(BillingClient);
    expect(registry.client({ name: 'user-service', baseUrl: userService.url }).baseUrl).toBe(
      `${userService.url}/`,
    );
    expect(
      registry.client({ name: 'billing-service', baseUrl: 'http://127.0.0.1:30005' }).policy.maxRetries,
    ).toBe(1);
  });

  it('calls user-service with the service token and the incoming request id', async () => {
    userService.script(() => ({
      status: 200,
      body: {
        allowed: true,
        limits: { devices: 5, cpuCores: 20, memoryMb: 40960, storageGb: 500 },
        usage: { devices: 0, cpuCores: 0, memoryMb: 0, storageGb: 0 },
      },
    }));

    const response = await fetch(`${appUrl}/probe`, {
      method: 'POST',
      headers: { 'x-request-id': 'wiring-req-1' },
    });

    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ degraded: false, allowed: true });
    expect(userService.requests).toHaveLength(1);
    const [received] = userService.requests;
    expect(received.url).toBe(`/${USER_ROUTES.quotaCheck}`);
    expect(received.headers['x-request-id']).toBe('wiring-req-1');
    const token = /^Bearer (.+)$/.exec(received.headers.authorization ?? '')?.[1] ?? '';
    const verifier = new TokenService(secrets.jwtSecret, secrets.serviceTokenSecret, 'user-service');
    expect(verifier.verify(token)).toEqual({ kind: 'service', service: 'device-service' });
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE when user-service fails under the default deny policy', async () => {
    userService.script(() => ({ status: 503, body: { code: 'NOT_READY', message: 'starting' } }));

    const response = await fetch(`${appUrl}/probe`, {
      method: 'POST',
      headers: { 'x-request-id': 'wiring-req-2' },
    });

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      details: { dependency: 'user-service', operation: 'quota.check', reason: 'server_error' },
      requestId: 'wiring-req-2',
    });
    expect(userService.requests).toHaveLength(2);

    const metrics = await (await fetch(`${appUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /cloudphone_http_client_requests_total\{[^}]*target="user-service"[^}]*outcome="server_error"/,
    );
    expect(metrics).toMatch(/cloudphone_http_client_degraded_calls_total\{[^}]*result="denied"/);
    expect(metrics).toMatch(/cloudphone_http_client_circuit_state\{[^}]*target="user-service"[^}]*\} 0/);
  });
});
