import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { SERVICE_CATALOG, type UserQuotaResponse } from '@cloudphone/contracts';
import { HttpClientRegistry, MetricsService, TokenService } from '@cloudphone/shared';
import { ServiceFleet, uniqueTestId } from '@cloudphone/shared/testing';
import { QuotaClient } from '../src/integrations/platform-services/quota.client';

const USER = SERVICE_CATALOG.user.name;
const SPEC = { cpuCores: 2, memoryMb: 2048, storageGb: 16 };

// device-service's QuotaClient against the real built user-service and its Postgres, reached
// through a proxy the test can cut: the contract both sides compile against, for real.
describe('QuotaClient against the real user-service', () => {
  let fleet: ServiceFleet;
  let registry: HttpClientRegistry;
  let quota: QuotaClient;

  async function createUser(): Promise<string> {
    const response = await fetch(`${fleet.url(USER)}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fleet.tokens.admin()}` },
      body: JSON.stringify({
        email: `${uniqueTestId('quota-client')}@example.com`,
        password: 'a-long-enough-password',
        displayName: 'Quota client test user',
      }),
    });
    if (response.status !== 201) throw new Error(`creating a user answered ${response.status}`);
    return ((await response.json()) as { id: string }).id;
  }

  async function storedQuota(userId: string): Promise<UserQuotaResponse> {
    const response = await fetch(`${fleet.url(USER)}/quotas/${userId}`, {
      headers: { authorization: `Bearer ${fleet.tokens.service()}` },
    });
    return (await response.json()) as UserQuotaResponse;
  }

  beforeAll(async () => {
    fleet = await ServiceFleet.start({ processes: { [USER]: 1 }, proxied: [USER] });
    // The client logs refused and deferred reports; the tests assert on the outcomes instead.
    Logger.overrideLogger(false);
    const metrics = new MetricsService('device-service');
    const tokens = new TokenService(
      fleet.secrets.jwtSecret,
      fleet.secrets.serviceTokenSecret,
      SERVICE_CATALOG.device.name,
    );
    registry = new HttpClientRegistry(
      {
        deadlineMs: 5000,
        attemptTimeoutMs: 3000,
        maxRetries: 1,
        backoffBaseMs: 10,
        backoffMaxMs: 50,
        retryBudgetRatio: 0.2,
        retryBudgetMinRetries: 10,
        retryBudgetWindowMs: 10_000,
        breakerErrorPercent: 50,
        breakerMinRequests: 1000,
        breakerResetMs: 5000,
        breakerWindowMs: 10_000,
      },
      { metrics, serviceToken: () => tokens.serviceToken() },
    );
    const baseUrl = fleet.proxy(USER).wrap(fleet.url(USER));
    quota = new QuotaClient(registry.client({ name: USER, baseUrl }), metrics);
  }, 120_000);

  afterEach(() => fleet.proxy(USER).restore());

  afterAll(async () => {
    await registry?.onApplicationShutdown();
    await fleet?.stop();
  }, 60_000);

  it('reports usage (delivered, replayed, rejected over quota) and restores it', async () => {
    const userId = await createUser();
    const allocationId = randomUUID();

    expect(await quota.reportUsage({ userId, allocationId, ...SPEC })).toMatchObject({
      status: 'delivered',
      response: { applied: true, usage: { devices: 1 } },
    });
    expect(await quota.reportUsage({ userId, allocationId, ...SPEC })).toMatchObject({
      status: 'delivered',
      response: { applied: false },
    });
    const refused = await quota.reportUsage({ userId, allocationId: randomUUID(), ...SPEC });
    expect(refused).toMatchObject({ status: 'rejected', failure: { status: 403, code: 'QUOTA_EXCEEDED' } });
    expect(refused.status === 'rejected' && refused.failure.details).toMatchObject({ exceeded: 'devices' });
    expect(await quota.restore({ userId, allocationId })).toMatchObject({
      status: 'delivered',
      response: { applied: true, usage: { devices: 0 } },
    });
    expect(await quota.restore({ userId, allocationId })).toMatchObject({
      status: 'delivered',
      response: { applied: false },
    });
    expect(await storedQuota(userId)).toEqual({
      userId,
      limits: { devices: 1, cpuCores: 4, memoryMb: 8192, storageGb: 64 },
      usage: { devices: 0, cpuCores: 0, memoryMb: 0, storageGb: 0 },
    });
  });

  it('defers a report while user-service is unreachable; the resend counts it once', async () => {
    const userId = await createUser();
    const report = { userId, allocationId: randomUUID(), ...SPEC };

    fleet.proxy(USER).cut();
    expect(await quota.reportUsage(report)).toMatchObject({
      status: 'deferred',
      failure: { outcome: 'network_error' },
    });
    fleet.proxy(USER).restore();

    expect(await quota.reportUsage(report)).toMatchObject({
      status: 'delivered',
      response: { applied: true },
    });
    expect(await quota.reportUsage(report)).toMatchObject({
      status: 'delivered',
      response: { applied: false },
    });
    expect((await storedQuota(userId)).usage).toEqual({ devices: 1, ...SPEC });
  });
});
