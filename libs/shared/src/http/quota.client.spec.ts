import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  type INestApplication,
  Logger,
  Module,
  Param,
  Post,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, NestFactory } from '@nestjs/core';
import {
  type QuotaChangeResponse,
  QuotaCheckRequest,
  type QuotaCheckResponse,
  QuotaRestoreRequest,
  type QuotaResources,
  QuotaUsageRequest,
  USER_ROUTES,
  type UserQuotaResponse,
} from '@cloudphone/contracts';
import { ServiceTokenOnly } from '../auth/access.decorators';
import { AuthenticationGuard } from '../auth/authentication.guard';
import { TokenService } from '../auth/token.service';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { AppError } from '../errors/app-error';
import { createValidationPipe } from '../errors/validation-pipe.factory';
import { requestIdMiddleware } from '../logging/request-id.middleware';
import { MetricsService } from '../metrics/metrics.service';
import { TcpProxy } from '../testing/tcp-proxy';
import { DependencyUnavailableError, HttpClientError } from './http-client.errors';
import type { HttpClientPolicy } from './http-client.policy';
import { HttpClientRegistry } from './http-client.registry';
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

  @Post(USER_ROUTES.quotaCheck)
  @HttpCode(200)
  @ServiceTokenOnly()
  check(@Body() request: QuotaCheckRequest): QuotaCheckResponse {
    const usage = this.usage();
    const exceeded = (['devices', 'cpuCores', 'memoryMb', 'storageGb'] as const).find(
      (resource) => usage[resource] + request[resource] > LIMITS[resource],
    );
    return { allowed: exceeded === undefined, exceeded, limits: LIMITS, usage };
  }

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

  @Get(USER_ROUTES.quota)
  @ServiceTokenOnly()
  get(@Param('userId') userId: string): UserQuotaResponse {
    return { userId, limits: LIMITS, usage: this.usage() };
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

  function quotaClient(checkWhenUnavailable: 'deny' | 'allow'): QuotaClient {
    const http = registry.client({ name: 'user-service', baseUrl: userProxy.wrap('http://127.0.0.1/') });
    return new QuotaClient(http, metrics, { checkWhenUnavailable });
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
    const spec = { devices: 1, cpuCores: 2, memoryMb: 4096, storageGb: 32 };

    it('returns the quota check answer, allowed or naming the exceeded limit', async () => {
      const quota = quotaClient('deny');

      const allowed = await quota.check({ userId: KNOWN_USER, ...spec });
      expect(allowed).toEqual({
        degraded: false,
        allowed: true,
        response: {
          allowed: true,
          limits: LIMITS,
          usage: { devices: 0, cpuCores: 0, memoryMb: 0, storageGb: 0 },
        },
      });

      const refused = await quota.check({ userId: KNOWN_USER, ...spec, devices: 3 });
      expect(refused).toMatchObject({ degraded: false, allowed: false, response: { exceeded: 'devices' } });
    });

    it('surfaces a refused request as HttpClientError, never as a degradation, whatever the policy', async () => {
      const error = await quotaClient('allow')
        .check({ userId: 'not-a-uuid', ...spec })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(HttpClientError);
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    });

    it('denies with a 503 DependencyUnavailableError when user-service is down and the policy is deny', async () => {
      userProxy.cut();
      const error = await quotaClient('deny')
        .check({ userId: KNOWN_USER, ...spec })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect(error).toMatchObject({
        code: 'DEPENDENCY_UNAVAILABLE',
        httpStatus: 503,
        details: { dependency: 'user-service', operation: 'quota.check', reason: 'network_error' },
      });
      expect(await degradedCount('quota.check', 'denied')).toBe(1);
    });

    it('lets the check through, marked degraded, when user-service is down and the policy is allow', async () => {
      userProxy.blackhole();
      const outcome = await quotaClient('allow').check({ userId: KNOWN_USER, ...spec });
      expect(outcome).toMatchObject({ degraded: true, allowed: true, failure: { outcome: 'timeout' } });
      expect(await degradedCount('quota.check', 'allowed')).toBe(1);
    });

    it('reports usage once per allocation with an Idempotency-Key, and restores it idempotently', async () => {
      const quota = quotaClient('deny');
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
      const quota = quotaClient('deny');
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
      const quota = quotaClient('deny');
      for (let device = 0; device < LIMITS.devices; device += 1) {
        await quota.reportUsage({
          userId: KNOWN_USER,
          allocationId: randomUUID(),
          cpuCores: 1,
          memoryMb: 1,
          storageGb: 1,
        });
      }
      const outcome = await quota.reportUsage({
        userId: KNOWN_USER,
        allocationId: randomUUID(),
        cpuCores: 1,
        memoryMb: 1,
        storageGb: 1,
      });
      expect(outcome).toMatchObject({ status: 'rejected', failure: { status: 403, code: 'QUOTA_EXCEEDED' } });
    });

    it('reads a quota strictly', async () => {
      const quota = quotaClient('allow');
      await expect(quota.get(KNOWN_USER)).resolves.toMatchObject({ userId: KNOWN_USER, limits: LIMITS });
      userProxy.cut();
      await expect(quota.get(KNOWN_USER)).rejects.toBeInstanceOf(DependencyUnavailableError);
    });

    it('answers 503 with Retry-After while the breaker of user-service is open', async () => {
      const tokens = new TokenService(SECRETS.jwt, SECRETS.service, 'device-service');
      const tight = new HttpClientRegistry(
        { ...TEST_POLICY, maxRetries: 0, breakerMinRequests: 2, breakerResetMs: 3000 },
        { metrics, serviceToken: () => tokens.serviceToken() },
      );
      const quota = new QuotaClient(
        tight.client({ name: 'user-service-tight', baseUrl: userProxy.wrap('http://127.0.0.1/') }),
        metrics,
        { checkWhenUnavailable: 'deny' },
      );
      userProxy.cut();
      for (let call = 0; call < 2; call += 1) {
        await expect(quota.check({ userId: KNOWN_USER, ...spec })).rejects.toBeInstanceOf(
          DependencyUnavailableError,
        );
      }
      userProxy.restore();

      const error = (await quota
        .check({ userId: KNOWN_USER, ...spec })
        .catch((caught: unknown) => caught)) as DependencyUnavailableError | undefined;

      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect(error?.details).toMatchObject({ reason: 'circuit_open' });
      expect(Number(error?.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
      expect(Number(error?.headers?.['Retry-After'])).toBeLessThanOrEqual(3);
      tight.onApplicationShutdown();
    });
  });
});
