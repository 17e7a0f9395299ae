import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import {
  type QuotaChangeResponse,
  QuotaRestoreBatchRequest,
  type QuotaRestoreBatchResponse,
  QuotaRestoreRequest,
  type QuotaResources,
  QuotaUsageBatchRequest,
  type QuotaUsageBatchResponse,
  QuotaUsageRequest,
  USER_ROUTES,
} from '@cloudphone/contracts';
import { AppError, type HttpClientRegistry, MetricsService, ServiceTokenOnly } from '@cloudphone/shared';
import { batchedCalls, ContractCallee, degradedCount, oneTurnLater } from './contract-callee';
import { QuotaClient } from '../src/integrations/platform-services/quota.client';

// QuotaClient against a real NestJS callee speaking the user-service contract (same DTOs, the real
// validation pipe, guard and error filter), reached through a TCP proxy the tests cut or blackhole.

const KNOWN_USER = randomUUID();
const LIMITS: QuotaResources = { devices: 2, cpuCores: 8, memoryMb: 16384, storageGb: 128 };

@Controller()
class FakeUserServiceController {
  readonly counted = new Map<string, QuotaUsageRequest>();
  readonly idempotencyKeys: Array<string | undefined> = [];
  readonly usageBatchSizes: number[] = [];

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

  @Post(USER_ROUTES.quotaUsageBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  reportBatch(@Body() request: QuotaUsageBatchRequest): QuotaUsageBatchResponse {
    this.usageBatchSizes.push(request.items.length);
    return {
      results: request.items.map((item) => {
        try {
          const answer = this.report(item, undefined);
          return {
            allocationId: item.allocationId,
            status: answer.applied ? 'applied' : 'replayed',
            usage: answer.usage,
          };
        } catch (error) {
          const refusal = error as AppError;
          return {
            allocationId: item.allocationId,
            status: 'failed',
            errorStatus: refusal.httpStatus,
            errorCode: refusal.code,
            errorMessage: refusal.message,
            errorDetails: refusal.details,
          };
        }
      }),
    };
  }

  @Post(USER_ROUTES.quotaRestore)
  @HttpCode(200)
  @ServiceTokenOnly()
  restore(@Body() request: QuotaRestoreRequest): QuotaChangeResponse {
    const applied = this.counted.delete(request.allocationId);
    return { userId: request.userId, allocationId: request.allocationId, applied, usage: this.usage() };
  }

  @Post(USER_ROUTES.quotaRestoreBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  restoreBatch(@Body() request: QuotaRestoreBatchRequest): QuotaRestoreBatchResponse {
    return {
      results: request.items.map((item) => {
        const applied = this.counted.delete(item.allocationId);
        return {
          allocationId: item.allocationId,
          status: applied ? 'applied' : 'replayed',
          usage: this.usage(),
        };
      }),
    };
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

describe('QuotaClient against a contract-speaking callee', () => {
  let callee: ContractCallee<FakeUserServiceController>;
  let registry: HttpClientRegistry;
  let metrics: MetricsService;
  let users: FakeUserServiceController;

  function quotaClient(): QuotaClient {
    return new QuotaClient(registry.client({ name: 'user-service', baseUrl: callee.baseUrl }), metrics);
  }

  beforeAll(async () => {
    callee = await ContractCallee.start(FakeUserServiceController);
    users = callee.controller;
  });

  beforeEach(() => {
    metrics = new MetricsService('device-service');
    registry = callee.callerRegistry(metrics);
    users.counted.clear();
    users.idempotencyKeys.length = 0;
    users.usageBatchSizes.length = 0;
  });

  afterEach(() => registry.onApplicationShutdown());

  afterAll(() => callee.stop());

  describe('calls', () => {
    // What these show is the contract, not timing: a first call slowed by a busy machine must not
    // time out, be resent, and read as a replay. The failure tests below keep the quick policy.
    beforeEach(async () => {
      await registry.onApplicationShutdown();
      registry = callee.callerRegistry(metrics, { attemptTimeoutMs: 3000, deadlineMs: 6000 });
    });

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

    it('restores a batch in one call, answered per item; a batch the contract refuses is rejected', async () => {
      const quota = quotaClient();
      const reports = Array.from({ length: 2 }, () => ({
        userId: KNOWN_USER,
        allocationId: randomUUID(),
        cpuCores: 1,
        memoryMb: 1024,
        storageGb: 8,
      }));
      for (const report of reports) await quota.reportUsage(report);
      const items = [...reports, reports[0]].map(({ userId, allocationId }) => ({ userId, allocationId }));

      const outcome = await quota.restoreBatch({ items });

      expect(outcome).toMatchObject({
        status: 'delivered',
        response: {
          results: [
            { allocationId: items[0].allocationId, status: 'applied' },
            { allocationId: items[1].allocationId, status: 'applied', usage: { devices: 0 } },
            { allocationId: items[0].allocationId, status: 'replayed' },
          ],
        },
      });
      const tooMany = await quota.restoreBatch({ items: Array.from({ length: 101 }, () => items[0]) });
      expect(tooMany).toMatchObject({
        status: 'rejected',
        failure: { status: 400, code: 'VALIDATION_FAILED' },
      });
    });

    it('sends concurrent usage reports as one batch call, each answered as it would be alone', async () => {
      const quota = quotaClient();
      const report = () => ({
        userId: KNOWN_USER,
        allocationId: randomUUID(),
        cpuCores: 1,
        memoryMb: 1024,
        storageGb: 8,
      });
      const first = report();
      const firstCall = quota.reportUsage(first);
      await oneTurnLater();
      const [firstOutcome, ...burst] = await Promise.all([
        firstCall,
        ...[first, report(), report()].map((r) => quota.reportUsage(r)),
      ]);

      // The first leaves alone (its event-loop turn passed); the three that arrive while it is in
      // flight leave as one batch. The limit (2 devices) lets two allocations through.
      expect(users.usageBatchSizes).toEqual([3]);
      expect(await batchedCalls(metrics, 'quota.usage')).toEqual({ calls: 4, requests: 2 });
      expect([firstOutcome, ...burst].map((outcome) => outcome.status)).toEqual([
        'delivered',
        'delivered',
        'delivered',
        'rejected',
      ]);
      expect(firstOutcome).toMatchObject({ response: { allocationId: first.allocationId, applied: true } });
      expect(burst[0]).toMatchObject({ response: { allocationId: first.allocationId, applied: false } });
      expect(burst[2]).toMatchObject({
        status: 'rejected',
        failure: { status: 403, code: 'QUOTA_EXCEEDED', details: { exceeded: 'devices' } },
      });
      expect(users.idempotencyKeys).toEqual([
        `quota-usage:${first.allocationId}`,
        undefined,
        undefined,
        undefined,
      ]);

      callee.proxy.cut();
      const cut = await Promise.all([report(), report()].map((r) => quota.reportUsage(r)));
      expect(cut.map((outcome) => outcome.status)).toEqual(['deferred', 'deferred']);
      callee.proxy.restore();
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

      callee.proxy.cut();
      const deferred = await quota.reportUsage(report);
      expect(deferred).toMatchObject({ status: 'deferred', failure: { outcome: 'network_error' } });
      expect(users.counted.size).toBe(0);
      expect(await degradedCount(metrics, 'quota.usage', 'deferred')).toBe(1);

      callee.proxy.restore();
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
