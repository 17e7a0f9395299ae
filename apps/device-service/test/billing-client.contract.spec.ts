import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  BalanceCheckBatchRequest,
  type BalanceCheckBatchResponse,
  BalanceCheckRequest,
  type BalanceCheckResponse,
  BILLING_ROUTES,
  UsageBatchRequest,
  type UsageBatchResponse,
  UsageRecordRequest,
  type UsageRecordResponse,
} from '@cloudphone/contracts';
import {
  CommonErrors,
  DependencyUnavailableError,
  HttpClientError,
  type HttpClientRegistry,
  MetricsService,
  ServiceTokenOnly,
} from '@cloudphone/shared';
import { batchedCalls, ContractCallee, degradedCount, oneTurnLater } from './contract-callee';
import { BillingClient } from '../src/integrations/platform-services/billing.client';

// BillingClient against a real NestJS callee speaking the billing-service contract (same DTOs, the real
// validation pipe, guard and error filter), reached through a TCP proxy the tests cut or blackhole.

const KNOWN_USER = randomUUID();

@Controller()
class FakeBillingServiceController {
  balanceMinor = 10_000n;
  readonly recorded = new Map<string, UsageRecordResponse>();
  readonly balanceBatchSizes: number[] = [];

  @Post(BILLING_ROUTES.balanceCheck)
  @HttpCode(200)
  @ServiceTokenOnly()
  checkBalance(@Body() request: BalanceCheckRequest): BalanceCheckResponse {
    // One minor unit per core-second: enough pricing for a contract test.
    const required = BigInt(request.durationSeconds) * BigInt(request.cpuCores);
    return {
      sufficient: this.balanceMinor >= required,
      balanceMinor: String(this.balanceMinor),
      requiredMinor: String(required),
      currency: 'USD',
    };
  }

  @Post(BILLING_ROUTES.balanceCheckBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  checkBalances(@Body() request: BalanceCheckBatchRequest): BalanceCheckBatchResponse {
    this.balanceBatchSizes.push(request.items.length);
    return { results: request.items.map((item) => this.checkBalance(item)) };
  }

  @Post(BILLING_ROUTES.usage)
  @HttpCode(200)
  @ServiceTokenOnly()
  record(@Body() request: UsageRecordRequest): UsageRecordResponse {
    if (request.userId !== KNOWN_USER) throw CommonErrors.notFound('No billing account for this user');
    const previous = this.recorded.get(request.allocationId);
    if (previous) return { ...previous, duplicate: true };
    const amount = BigInt(request.billedSeconds) * BigInt(request.cpuCores);
    this.balanceMinor -= amount;
    const result: UsageRecordResponse = {
      usageId: randomUUID(),
      allocationId: request.allocationId,
      amountMinor: String(amount),
      currency: 'USD',
      balanceMinor: String(this.balanceMinor),
      duplicate: false,
    };
    this.recorded.set(request.allocationId, result);
    return result;
  }

  @Post(BILLING_ROUTES.usageBatch)
  @HttpCode(200)
  @ServiceTokenOnly()
  recordBatch(@Body() request: UsageBatchRequest): UsageBatchResponse {
    return {
      results: request.items.map((item) => {
        const usage = this.record(item);
        return { allocationId: item.allocationId, status: usage.duplicate ? 'duplicate' : 'recorded', usage };
      }),
    };
  }
}

function usageRecord(overrides: Partial<UsageRecordRequest> = {}): UsageRecordRequest {
  return {
    allocationId: randomUUID(),
    userId: KNOWN_USER,
    tenantId: 'default',
    deviceId: randomUUID(),
    startedAt: '2025-01-01T10:00:00.000Z',
    endedAt: '2025-01-01T10:01:40.000Z',
    billedSeconds: 100,
    cpuCores: 2,
    memoryMb: 4096,
    storageGb: 32,
    ...overrides,
  };
}

describe('BillingClient against a contract-speaking callee', () => {
  let callee: ContractCallee<FakeBillingServiceController>;
  let registry: HttpClientRegistry;
  let metrics: MetricsService;
  let billing: FakeBillingServiceController;

  /**
   * For the tests that show the contract, not timing (as in quota-client.contract.spec.ts): a call
   * slowed by a busy machine (a GC pause of the in-band test process) must not time out. The
   * failure tests keep the quick policy.
   */
  async function useGenerousPolicy(): Promise<void> {
    await registry.onApplicationShutdown();
    registry = callee.callerRegistry(metrics, { attemptTimeoutMs: 3000, deadlineMs: 6000 });
  }

  function billingClient(checkWhenUnavailable: 'deny' | 'allow'): BillingClient {
    const http = registry.client({ name: 'billing-service', baseUrl: callee.baseUrl });
    return new BillingClient(http, metrics, { checkWhenUnavailable });
  }

  beforeAll(async () => {
    callee = await ContractCallee.start(FakeBillingServiceController);
    billing = callee.controller;
  });

  beforeEach(() => {
    metrics = new MetricsService('device-service');
    registry = callee.callerRegistry(metrics);
  });

  afterEach(() => registry.onApplicationShutdown());

  afterAll(() => callee.stop());

  describe('calls', () => {
    const balanceRequest = {
      userId: KNOWN_USER,
      durationSeconds: 600,
      cpuCores: 2,
      memoryMb: 4096,
      storageGb: 32,
    };

    it('checks the balance, money as integer minor-unit strings', async () => {
      await useGenerousPolicy();
      billing.balanceMinor = 10_000n;
      const bills = billingClient('deny');

      expect(await bills.checkBalance(balanceRequest)).toEqual({
        degraded: false,
        sufficient: true,
        response: { sufficient: true, balanceMinor: '10000', requiredMinor: '1200', currency: 'USD' },
      });
      expect(await bills.checkBalance({ ...balanceRequest, durationSeconds: 6000 })).toMatchObject({
        degraded: false,
        sufficient: false,
      });
    });

    it('sends concurrent checks as one batch call, each answered as it would be alone', async () => {
      await useGenerousPolicy();
      billing.balanceMinor = 10_000n;
      billing.balanceBatchSizes.length = 0;
      const bills = billingClient('deny');

      const firstCall = bills.checkBalance({ ...balanceRequest, durationSeconds: 600 });
      await oneTurnLater();
      const answers = await Promise.all([
        firstCall,
        ...[600, 6000, 600].map((durationSeconds) =>
          bills.checkBalance({ ...balanceRequest, durationSeconds }),
        ),
      ]);

      // The first leaves alone (its event-loop turn passed); the three that arrive while it is in
      // flight leave as one batch.
      expect(billing.balanceBatchSizes).toEqual([3]);
      expect(await batchedCalls(metrics, 'billing.balance_check')).toEqual({ calls: 4, requests: 2 });
      expect(answers.map((answer) => answer.sufficient)).toEqual([true, true, false, true]);
      expect(answers[2]).toMatchObject({ response: { requiredMinor: '12000', balanceMinor: '10000' } });
    });

    it('surfaces a refused request as HttpClientError, never as a degradation, whatever the policy', async () => {
      await useGenerousPolicy();
      const error = await billingClient('allow')
        .checkBalance({ ...balanceRequest, userId: 'not-a-uuid' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(HttpClientError);
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    });

    it('denies with a 503 DependencyUnavailableError when billing-service is down and the policy is deny', async () => {
      callee.proxy.cut();
      const error = await billingClient('deny')
        .checkBalance(balanceRequest)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect(error).toMatchObject({
        code: 'DEPENDENCY_UNAVAILABLE',
        httpStatus: 503,
        details: {
          dependency: 'billing-service',
          operation: 'billing.balance_check',
          reason: 'network_error',
        },
      });
      expect(await degradedCount(metrics, 'billing.balance_check', 'denied')).toBe(1);
    });

    it('follows BALANCE_CHECK_WHEN_UNAVAILABLE when billing-service hangs', async () => {
      callee.proxy.blackhole();
      await expect(billingClient('deny').checkBalance(balanceRequest)).rejects.toMatchObject({
        code: 'DEPENDENCY_UNAVAILABLE',
        details: { dependency: 'billing-service', operation: 'billing.balance_check', reason: 'timeout' },
      });
      await expect(billingClient('allow').checkBalance(balanceRequest)).resolves.toMatchObject({
        degraded: true,
        sufficient: true,
        failure: { outcome: 'timeout' },
      });
      expect(await degradedCount(metrics, 'billing.balance_check', 'allowed')).toBe(1);
    });

    it('answers 503 with Retry-After while the breaker of billing-service is open', async () => {
      const tight = callee.callerRegistry(metrics, {
        maxRetries: 0,
        breakerMinRequests: 2,
        breakerResetMs: 3000,
      });
      const bills = new BillingClient(
        tight.client({ name: 'billing-service-tight', baseUrl: callee.baseUrl }),
        metrics,
        { checkWhenUnavailable: 'deny' },
      );
      callee.proxy.cut();
      for (let call = 0; call < 2; call += 1) {
        await expect(bills.checkBalance(balanceRequest)).rejects.toBeInstanceOf(DependencyUnavailableError);
      }
      callee.proxy.restore();

      const error = (await bills.checkBalance(balanceRequest).catch((caught: unknown) => caught)) as
        DependencyUnavailableError | undefined;

      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect(error?.details).toMatchObject({ reason: 'circuit_open' });
      expect(Number(error?.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
      expect(Number(error?.headers?.['Retry-After'])).toBeLessThanOrEqual(3);
      await tight.onApplicationShutdown();
    });

    it('charges a usage record once however often it is sent', async () => {
      await useGenerousPolicy();
      billing.balanceMinor = 10_000n;
      const bills = billingClient('deny');
      const record = usageRecord();

      const first = await bills.recordUsage(record);
      const resend = await bills.recordUsage(record);

      expect(first).toMatchObject({
        status: 'delivered',
        response: {
          allocationId: record.allocationId,
          amountMinor: '200',
          balanceMinor: '9800',
          duplicate: false,
        },
      });
      expect(resend).toMatchObject({
        status: 'delivered',
        response: { duplicate: true, balanceMinor: '9800' },
      });
      expect(billing.balanceMinor).toBe(9800n);
    });

    it('defers usage records and batches while billing-service is down, delivers them after', async () => {
      billing.balanceMinor = 10_000n;
      const bills = billingClient('deny');
      const single = usageRecord();
      const batch = { items: [usageRecord(), usageRecord({ billedSeconds: 50 })] };

      callee.proxy.cut();
      expect(await bills.recordUsage(single)).toMatchObject({ status: 'deferred' });
      expect(await bills.recordUsageBatch(batch)).toMatchObject({ status: 'deferred' });
      expect(billing.balanceMinor).toBe(10_000n);
      expect(await degradedCount(metrics, 'billing.usage', 'deferred')).toBe(1);
      expect(await degradedCount(metrics, 'billing.usage_batch', 'deferred')).toBe(1);

      callee.proxy.restore();
      expect(await bills.recordUsage(single)).toMatchObject({
        status: 'delivered',
        response: { duplicate: false },
      });
      const delivered = await bills.recordUsageBatch({ items: [...batch.items, single] });
      expect(delivered).toMatchObject({
        status: 'delivered',
        response: { results: [{ status: 'recorded' }, { status: 'recorded' }, { status: 'duplicate' }] },
      });
      expect(billing.balanceMinor).toBe(10_000n - 200n - 200n - 100n);
    });

    it('gives a record billing refuses as rejected', async () => {
      await useGenerousPolicy();
      const outcome = await billingClient('deny').recordUsage(usageRecord({ userId: randomUUID() }));
      expect(outcome).toMatchObject({ status: 'rejected', failure: { status: 404, code: 'NOT_FOUND' } });
    });
  });
});
