import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  Body,
  Controller,
  Headers,
  HttpCode,
  type INestApplication,
  Logger,
  Module,
  Post,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, NestFactory } from '@nestjs/core';
import {
  type QuotaChangeResponse,
  QuotaRestoreRequest,
  type QuotaResources,
  QuotaUsageRequest,
  USER_ROUTES,
} from '@cloudphone/contracts';
import {
  AllExceptionsFilter,
  AppError,
  AuthenticationGuard,
  createValidationPipe,
  type HttpClientPolicy,
  HttpClientRegistry,
  MetricsService,
  requestIdMiddleware,
  ServiceTokenOnly,
  TokenService,
} from '@cloudphone/shared';
import { TcpProxy } from '@cloudphone/shared/testing';
import { QuotaClient } from './quota.client';

// QuotaClient against a real NestJS callee speaking the user-service contract (same DTOs, the real
// validation pipe, guard and error filter), reached through a TCP proxy the tests cut or blackhole.

const SECRETS = { jwt: 'j'.repeat(32), service: 's'.repeat(32) };
const KNOWN_USER = randomUUID();
const LIMITS: QuotaResources = { devices: 2, cpuCores: 8, memoryMb: 16384, storageGb: 128 };

@Controller()
class FakeUserServiceController {
  readonly counted = new Map<string, QuotaUsageRequest>();
  readonly idempotencyKeys: Array<string | undefined> = [];

  @Post(USER_ROUTES.quotaUsage)
  @HttpCode(200)
  @ServiceTokenOnly()
  report(
    @Body() request: QuotaUsageRequest,
    @Headers('idempotency-key') key: string | undefined,
  ): QuotaChangeResponse {
    this.idempotencyKeys.push(key);
    const applied = !this.counted.has(request.allocationId);
    if (applied) {
      if (this.usage().devices + 1 > LIMITS.devices) {
        throw new AppError('QUOTA_EXCEEDED', 403, 'Device quota exceeded', { exceeded: 'devices' });
      }
      this.counted.set(request.allocationId, request);
    }
    return { userId: request.userId, allocationId: request.allocationId, applied, usage: this.usage() };
  }

  @Post(USER_ROUTES.quotaRestore)
  @HttpCode(200)
  @ServiceTokenOnly()
  restore(@Body() request: QuotaRestoreRequest): QuotaChangeResponse {
    const applied = this.counted.delete(request.allocationId);
    return { userId: request.userId, allocationId: request.allocationId, applied, usage: this.usage() };
  }

  private usage(): QuotaResources {
    const reports = [...this.counted.values()];
    const sum = (pick: (report: QuotaUsageRequest) => number) =>
      reports.reduce((total, r) => total + pick(r), 0);
    return {
      devices: reports.length,
      cpuCores: sum((report) => report.cpuCores),
      memoryMb: sum((report) => report.memoryMb),
      storageGb: sum((report) => report.storageGb),
    };
  }
}

@Module({
  controllers: [FakeUserServiceController],
  providers: [
    { provide: TokenService, useValue: new TokenService(SECRETS.jwt, SECRETS.service, 'fake-callee') },
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
class FakeCalleeModule {}

const TEST_POLICY: HttpClientPolicy = {
  deadlineMs: 1500,
  attemptTimeoutMs: 250,
  maxRetries: 1,
  backoffBaseMs: 10,
  backoffMaxMs: 50,
  retryBudgetRatio: 0.2,
  retryBudgetMinRetries: 100,
  retryBudgetWindowMs: 10_000,
  breakerErrorPercent: 50,
  breakerMinRequests: 1000,
  breakerResetMs: 5000,
  breakerWindowMs: 10_000,
};

describe('QuotaClient against a contract-speaking callee', () => {
  let app: INestApplication;
  let userProxy: TcpProxy;
  let registry: HttpClientRegistry;
  let metrics: MetricsService;
  let users: FakeUserServiceController;

  function quotaClient(): QuotaClient {
    const http = registry.client({ name: 'user-service', baseUrl: userProxy.wrap('http://127.0.0.1/') });
    return new QuotaClient(http, metrics);
  }

  async function degradedCount(operation: string, result: string): Promise<number> {
    const metric = metrics.registry.getSingleMetric('cloudphone_http_client_degraded_calls_total');
    const values = metric ? (await metric.get()).values : [];
    return (
      values.find((value) => value.labels.operation === operation && value.labels.result === result)?.value ??
      0
    );
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    app = await NestFactory.create(FakeCalleeModule, { logger: false });
    app.use(requestIdMiddleware);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    userProxy = await new TcpProxy('127.0.0.1', port).start();
    users = app.get(FakeUserServiceController);
  });

  beforeEach(() => {
    metrics = new MetricsService('device-service', 'test');
    const tokens = new TokenService(SECRETS.jwt, SECRETS.service, 'device-service');
    registry = new HttpClientRegistry(TEST_POLICY, { metrics, serviceToken: () => tokens.serviceToken() });
    userProxy.restore();
    users.counted.clear();
    users.idempotencyKeys.length = 0;
  });

  afterEach(() => registry.onApplicationShutdown());

  afterAll(async () => {
    await userProxy.close();
    await app.close();
  });

  describe('calls', () => {
    it('reports usage once per allocation with an Idempotency-Key, and restores it idempotently', async () => {
      const quota = quotaClient();
      const report = {
        userId: KNOWN_USER,
        allocationId: randomUUID(),
        cpuCores: 2,
        memoryMb: 4096,
        storageGb: 32,
      };

      const first = await quota.reportUsage(report);
      const again = await quota.reportUsage(report);

      expect(first).toMatchObject({
        status: 'delivered',
        response: { applied: true, usage: { devices: 1 } },
      });
      expect(again).toMatchObject({
        status: 'delivered',
        response: { applied: false, usage: { devices: 1 } },
      });
      expect(users.idempotencyKeys).toEqual([
        `quota-usage:${report.allocationId}`,
        `quota-usage:${report.allocationId}`,
      ]);

      const restore = { userId: KNOWN_USER, allocationId: report.allocationId };
      expect(await quota.restore(restore)).toMatchObject({
        status: 'delivered',
        response: { applied: true },
      });
      expect(await quota.restore(restore)).toMatchObject({
        status: 'delivered',
        response: { applied: false, usage: { devices: 0 } },
      });
    });

    it('defers a usage report while user-service is down; the resend later counts it once', async () => {
      const quota = quotaClient();
      const report = {
        userId: KNOWN_USER,
        allocationId: randomUUID(),
        cpuCores: 1,
        memoryMb: 1024,
        storageGb: 8,
      };

      userProxy.cut();
      const deferred = await quota.reportUsage(report);
      expect(deferred).toMatchObject({ status: 'deferred', failure: { outcome: 'network_error' } });
      expect(users.counted.size).toBe(0);
      expect(await degradedCount('quota.usage', 'deferred')).toBe(1);

      userProxy.restore();
      expect(await quota.reportUsage(report)).toMatchObject({
        status: 'delivered',
        response: { applied: true },
      });
      expect(await quota.reportUsage(report)).toMatchObject({
        status: 'delivered',
        response: { applied: false },
      });
      expect(users.counted.size).toBe(1);
    });

    it('gives a report user-service refuses as rejected, not deferred', async () => {
      const quota = quotaClient();
      for (let device = 0; device < LIMITS.devices; device += 1) {
        await quota.reportUsage({
          userId: KNOWN_USER,
          allocationId: randomUUID(),
          cpuCores: 1,
          memoryMb: 1024,
          storageGb: 1,
        });
      }
      const outcome = await quota.reportUsage({
        userId: KNOWN_USER,
        allocationId: randomUUID(),
        cpuCores: 1,
        memoryMb: 1024,
        storageGb: 1,
      });
      expect(outcome).toMatchObject({ status: 'rejected', failure: { status: 403, code: 'QUOTA_EXCEEDED' } });
    });
  });
});
