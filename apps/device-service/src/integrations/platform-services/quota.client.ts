import {
  deviceSpecOf,
  type QuotaChangeResponse,
  type QuotaCheckRequest,
  type QuotaCheckResponse,
  type QuotaRestoreBatchRequest,
  type QuotaRestoreBatchResponse,
  type QuotaRestoreRequest,
  QUOTA_USAGE_BATCH_MAX_ITEMS,
  type QuotaUsageBatchResponse,
  type QuotaUsageRequest,
  USER_ROUTES,
} from '@cloudphone/contracts';
import {
  type BatchItemOutcome,
  BatchingQueue,
  httpAnswerError,
  type DeliveryOutcome,
  type HttpClient,
  type CheckResult,
  type MetricsService,
  ServiceClient,
  type UnavailabilityPolicy,
} from '@cloudphone/shared';

/**
 * user-service's quota API (routes and DTOs from @cloudphone/contracts). Usage reports and restores
 * are lenient: `deferred` when user-service is unavailable, so the caller keeps them and resends
 * (both are idempotent per allocationId). Usage reports of concurrent allocations ride together:
 * one call is in flight, and the reports that arrive meanwhile leave as one batch call, each
 * answered as it would have been alone.
 */
export class QuotaClient extends ServiceClient {
  private readonly usageReports = new BatchingQueue<QuotaUsageRequest, QuotaChangeResponse>(
    (items) => this.sendUsageReports(items),
    QUOTA_USAGE_BATCH_MAX_ITEMS,
  );

  constructor(
    http: HttpClient,
    metrics: MetricsService,
    /** QUOTA_CHECK_WHEN_UNAVAILABLE, for the read-only `check`. */
    private readonly checkWhenUnavailable: UnavailabilityPolicy = 'deny',
  ) {
    super(http, metrics);
  }

  /** Would adding `request` keep the user within every limit? Read-only; nothing is taken. */
  check(request: QuotaCheckRequest): Promise<CheckResult<QuotaCheckResponse>> {
    const body: QuotaCheckRequest = {
      userId: request.userId,
      devices: request.devices,
      cpuCores: request.cpuCores,
      memoryMb: request.memoryMb,
      storageGb: request.storageGb,
    };
    return this.policyCheck('quota.check', this.checkWhenUnavailable, () =>
      this.http.post<QuotaCheckResponse>(USER_ROUTES.quotaCheck, body, { idempotent: true }),
    );
  }

  /** Counts an allocation against the quota (403 QUOTA_EXCEEDED → `rejected`). */
  reportUsage(request: QuotaUsageRequest): Promise<DeliveryOutcome<QuotaChangeResponse>> {
    const body: QuotaUsageRequest = {
      userId: request.userId,
      allocationId: request.allocationId,
      ...deviceSpecOf(request),
    };
    return this.lenientCall('quota.usage', () => this.usageReports.submit(body));
  }

  /** One report alone as `quotaUsage`; several as `quotaUsageBatch`, each item's refusal its own. */
  private async sendUsageReports(
    items: QuotaUsageRequest[],
  ): Promise<Array<BatchItemOutcome<QuotaChangeResponse>>> {
    this.batchSent('quota.usage', items.length);
    if (items.length === 1) {
      const [item] = items;
      const answer = await this.http.post<QuotaChangeResponse>(USER_ROUTES.quotaUsage, item, {
        idempotencyKey: `quota-usage:${item.allocationId}`,
      });
      return [{ ok: true, value: answer }];
    }
    const route = USER_ROUTES.quotaUsageBatch;
    const { results } = await this.http.post<QuotaUsageBatchResponse>(route, { items }, { idempotent: true });
    const context = { target: this.http.name, method: 'POST', route, attempts: 1 };
    return items.map((item, index): BatchItemOutcome<QuotaChangeResponse> => {
      const result = results[index];
      if (result?.allocationId !== item.allocationId) {
        const message = `item ${index} of the answer is not allocation ${item.allocationId}`;
        return {
          ok: false,
          error: httpAnswerError({ status: 502, code: 'BATCH_ANSWER_MISMATCH', message }, context),
        };
      }
      if (result.status === 'failed') {
        const answer = {
          status: result.errorStatus ?? 500,
          code: result.errorCode ?? 'INTERNAL_ERROR',
          message: result.errorMessage ?? 'refused without a reason',
          details: result.errorDetails,
        };
        return { ok: false, error: httpAnswerError(answer, context) };
      }
      const { userId, allocationId } = item;
      const applied = result.status === 'applied';
      return {
        ok: true,
        value: { userId, allocationId, applied, usage: result.usage as QuotaChangeResponse['usage'] },
      };
    });
  }

  /** Gives an allocation's resources back. */
  restore(request: QuotaRestoreRequest): Promise<DeliveryOutcome<QuotaChangeResponse>> {
    const body: QuotaRestoreRequest = { userId: request.userId, allocationId: request.allocationId };
    return this.lenientCall('quota.restore', () =>
      this.http.post<QuotaChangeResponse>(USER_ROUTES.quotaRestore, body, {
        idempotencyKey: `quota-restore:${request.allocationId}`,
      }),
    );
  }

  /** Gives several allocations' resources back in one call (one result per item, in order). */
  restoreBatch(request: QuotaRestoreBatchRequest): Promise<DeliveryOutcome<QuotaRestoreBatchResponse>> {
    const body: QuotaRestoreBatchRequest = {
      items: request.items.map(({ userId, allocationId }) => ({ userId, allocationId })),
    };
    return this.lenientCall('quota.restore_batch', () =>
      this.http.post<QuotaRestoreBatchResponse>(USER_ROUTES.quotaRestoreBatch, body, { idempotent: true }),
    );
  }
}
