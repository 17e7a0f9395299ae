import {
  BALANCE_CHECK_BATCH_MAX_ITEMS,
  type BalanceCheckBatchResponse,
  type BalanceCheckRequest,
  type BalanceCheckResponse,
  BILLING_ROUTES,
  deviceSpecOf,
  type UsageBatchRequest,
  type UsageBatchResponse,
  type UsageRecordRequest,
  type UsageRecordResponse,
} from '@cloudphone/contracts';
import {
  type BatchItemOutcome,
  BatchingQueue,
  type DeliveryOutcome,
  httpAnswerError,
  type HttpClient,
  type HttpRequestError,
  type MetricsService,
  ServiceClient,
  type UnavailabilityPolicy,
} from '@cloudphone/shared';

/** The balance check's answer, or an `allow` policy's pass while billing-service is unavailable. */
export type BalanceCheckOutcome =
  | { degraded: false; sufficient: boolean; response: BalanceCheckResponse }
  | { degraded: true; sufficient: true; failure: HttpRequestError };

export interface BillingClientOptions {
  /** BALANCE_CHECK_WHEN_UNAVAILABLE: `deny` throws DependencyUnavailableError (503), `allow` lets it through. */
  checkWhenUnavailable: UnavailabilityPolicy;
}

/**
 * billing-service's API (routes and DTOs from @cloudphone/contracts). The balance check follows
 * its configured policy; usage records are lenient (`deferred` when billing-service is
 * unavailable: the caller keeps the record and resends it, and billing charges each allocationId
 * once however often it arrives). Checks of concurrent allocations ride together: one call is in
 * flight, and the checks that arrive meanwhile leave as one batch call.
 */
export class BillingClient extends ServiceClient {
  private readonly balanceChecks = new BatchingQueue<BalanceCheckRequest, BalanceCheckResponse>(
    (items) => this.sendBalanceChecks(items),
    BALANCE_CHECK_BATCH_MAX_ITEMS,
  );

  constructor(
    http: HttpClient,
    metrics: MetricsService,
    private readonly options: BillingClientOptions,
  ) {
    super(http, metrics);
  }

  /** Does the balance cover this spec for this long? Read-only, so retried like a GET. */
  async checkBalance(request: BalanceCheckRequest): Promise<BalanceCheckOutcome> {
    const body: BalanceCheckRequest = {
      userId: request.userId,
      durationSeconds: request.durationSeconds,
      ...deviceSpecOf(request),
    };
    const result = await this.policyCheck('billing.balance_check', this.options.checkWhenUnavailable, () =>
      this.balanceChecks.submit(body),
    );
    return result.degraded
      ? { degraded: true, sufficient: true, failure: result.failure }
      : { degraded: false, sufficient: result.response.sufficient, response: result.response };
  }

  /** One check alone as `balanceCheck`; several as `balanceCheckBatch` (answered per item, in order). */
  private async sendBalanceChecks(
    items: BalanceCheckRequest[],
  ): Promise<Array<BatchItemOutcome<BalanceCheckResponse>>> {
    this.batchSent('billing.balance_check', items.length);
    if (items.length === 1) {
      const answer = await this.http.post<BalanceCheckResponse>(BILLING_ROUTES.balanceCheck, items[0], {
        idempotent: true,
      });
      return [{ ok: true, value: answer }];
    }
    const { results } = await this.http.post<BalanceCheckBatchResponse>(
      BILLING_ROUTES.balanceCheckBatch,
      { items },
      { idempotent: true },
    );
    if (results.length !== items.length) {
      const message = `${results.length} answers for ${items.length} checks`;
      const context = {
        target: this.http.name,
        method: 'POST',
        route: BILLING_ROUTES.balanceCheckBatch,
        attempts: 1,
      };
      throw httpAnswerError({ status: 502, code: 'BATCH_ANSWER_MISMATCH', message }, context);
    }
    return results.map((value) => ({ ok: true, value }));
  }

  /** Records and charges one allocation's usage; `duplicate: true` in the answer for a resend. */
  recordUsage(request: UsageRecordRequest): Promise<DeliveryOutcome<UsageRecordResponse>> {
    return this.lenientCall('billing.usage', () =>
      this.http.post<UsageRecordResponse>(BILLING_ROUTES.usage, usageRecordBody(request), {
        idempotencyKey: `billing-usage:${request.allocationId}`,
      }),
    );
  }

  /** Records several allocations; each item is deduplicated by billing, so the batch may be resent whole. */
  recordUsageBatch(request: UsageBatchRequest): Promise<DeliveryOutcome<UsageBatchResponse>> {
    const body: UsageBatchRequest = { items: request.items.map(usageRecordBody) };
    return this.lenientCall('billing.usage_batch', () =>
      this.http.post<UsageBatchResponse>(BILLING_ROUTES.usageBatch, body, { idempotent: true }),
    );
  }
}

/** Only the contract's fields, so a caller passing a richer object never trips forbidNonWhitelisted. */
function usageRecordBody(record: UsageRecordRequest): UsageRecordRequest {
  return {
    allocationId: record.allocationId,
    userId: record.userId,
    tenantId: record.tenantId,
    deviceId: record.deviceId,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    billedSeconds: record.billedSeconds,
    ...deviceSpecOf(record),
  };
}
