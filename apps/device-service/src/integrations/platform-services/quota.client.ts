import {
  deviceSpecOf,
  type QuotaChangeResponse,
  type QuotaCheckRequest,
  type QuotaCheckResponse,
  type QuotaRestoreBatchRequest,
  type QuotaRestoreBatchResponse,
  type QuotaRestoreRequest,
  type QuotaUsageRequest,
  USER_ROUTES,
} from '@cloudphone/contracts';
import {
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
 * (both are idempotent per allocationId).
 */
export class QuotaClient extends ServiceClient {
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
    return this.lenientCall('quota.usage', () =>
      this.http.post<QuotaChangeResponse>(USER_ROUTES.quotaUsage, body, {
        idempotencyKey: `quota-usage:${request.allocationId}`,
      }),
    );
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
