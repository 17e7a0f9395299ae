import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BILLING_ROUTES, SERVICE_CATALOG, USER_ROUTES } from '@cloudphone/contracts';
import { HttpClientRegistry, InfrastructureModule, loadConfig, TokenService } from '@cloudphone/shared';
import {
  createTestDatabase,
  createTestSecrets,
  ScriptedHttpServer,
  serviceEnvironment,
  type TestDatabase,
} from '@cloudphone/shared/testing';
import { DeviceServiceConfig } from '../src/config/device-service.config';
import { BillingClient } from '../src/integrations/platform-services/billing.client';
import { PlatformServicesModule } from '../src/integrations/platform-services/platform-services.module';
import { QuotaClient } from '../src/integrations/platform-services/quota.client';

// PlatformServicesModule as device-service gets it: both clients built from the shared registry
// and configured from device-service's own settings (targets and the balance check's policy).
describe('PlatformServicesModule', () => {
  const secrets = createTestSecrets();
  let database: TestDatabase;
  let users: ScriptedHttpServer;
  let billing: ScriptedHttpServer;
  let app: INestApplication;

  beforeAll(async () => {
    database = await createTestDatabase('device-service', { migrate: false });
    users = await ScriptedHttpServer.start(() => ({ status: 200, body: {} }));
    billing = await ScriptedHttpServer.start(() => ({ status: 200, body: {} }));
    const config = loadConfig(
      DeviceServiceConfig,
      serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        overrides: {
          USER_SERVICE_URL: users.url,
          BILLING_SERVICE_URL: billing.url,
          BALANCE_CHECK_WHEN_UNAVAILABLE: 'allow',
          HTTP_CLIENT_MAX_RETRIES: '0',
        },
      }),
    );
    app = await NestFactory.create(
      {
        module: class DeviceCallerModule {},
        imports: [InfrastructureModule.forRoot({ config }), PlatformServicesModule],
      },
      { logger: false },
    );
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await users?.close();
    await billing?.close();
    await database?.drop();
  });

  it('calls USER_SERVICE_URL and BILLING_SERVICE_URL through the registry, as device-service', async () => {
    const userId = randomUUID();
    const allocationId = randomUUID();
    users.script(() => ({
      status: 200,
      body: {
        userId,
        allocationId,
        applied: true,
        usage: { devices: 1, cpuCores: 2, memoryMb: 1, storageGb: 1 },
      },
    }));
    billing.script(() => ({
      status: 200,
      body: { sufficient: true, balanceMinor: '100', requiredMinor: '10', currency: 'USD' },
    }));

    const quota = await app
      .get(QuotaClient)
      .reportUsage({ userId, allocationId, cpuCores: 2, memoryMb: 1, storageGb: 1 });
    const balance = await app
      .get(BillingClient)
      .checkBalance({ userId, durationSeconds: 60, cpuCores: 2, memoryMb: 1, storageGb: 1 });

    expect(quota).toMatchObject({ status: 'delivered', response: { applied: true } });
    expect(balance).toMatchObject({ degraded: false, sufficient: true });
    expect(users.requests.map((request) => request.url)).toEqual([`/${USER_ROUTES.quotaUsage}`]);
    expect(billing.requests.map((request) => request.url)).toEqual([`/${BILLING_ROUTES.balanceCheck}`]);
    const verifier = new TokenService(
      secrets.jwtSecret,
      secrets.serviceTokenSecret,
      SERVICE_CATALOG.user.name,
    );
    for (const request of [...users.requests, ...billing.requests]) {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      expect(verifier.verify(token)).toEqual({ kind: 'service', service: SERVICE_CATALOG.device.name });
    }

    // Both targets are registered under their catalog names, so every other caller shares them.
    const registry = app.get(HttpClientRegistry);
    expect(registry.client({ name: SERVICE_CATALOG.user.name, baseUrl: users.url }).baseUrl).toBe(
      `${users.url}/`,
    );
    expect(() => registry.client({ name: SERVICE_CATALOG.billing.name, baseUrl: users.url })).toThrow(
      /another base URL/,
    );
  });

  it('follows BALANCE_CHECK_WHEN_UNAVAILABLE from the environment', async () => {
    billing.script(() => ({ status: 503, body: { code: 'NOT_READY', message: 'starting' } }));

    const balance = await app
      .get(BillingClient)
      .checkBalance({ userId: randomUUID(), durationSeconds: 60, cpuCores: 1, memoryMb: 1, storageGb: 1 });

    expect(balance).toMatchObject({ degraded: true, sufficient: true, failure: { outcome: 'server_error' } });
  });
});
