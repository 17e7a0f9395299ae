import {
  type QuotaChangeResponse,
  type QuotaCheckRequest,
  type QuotaCheckResponse,
  type QuotaRestoreRequest,
  type QuotaUsageRequest,
  USER_ROUTES,
  type UserQuotaResponse,
} from '@cloudphone/contracts';
import type { MetricsService } from '../metrics/metrics.service';
import type { HttpClient } from './http-client';
import type { HttpRequestError } from './http-client.errors';
import { type DeliveryOutcome, ServiceClient, type UnavailabilityPolicy } from './service-client';

/** The quota check's answer, or an `allow` policy's pass while user-service is unavailable. */
export type QuotaCheckOutcome =
  | { degraded: false; allowed: boolean; response: QuotaCheckResponse }
  | { degraded: true; allowed: true; failure: HttpRequestError };

export interface QuotaClientOptions {
  /** QUOTA_CHECK_WHEN_UNAVAILABLE: `deny` throws DependencyUnavailableError (503), `allow` lets it through. */
  checkWhenUnavailable: UnavailabilityPolicy;
}

/**
 * user-service's quota API (routes and DTOs from @cloudphone/contracts). The check follows its
 * configured policy; usage reports and restores are lenient (`deferred` when user-service is
 * unavailable, so the caller keeps them and resends: both are idempotent per allocationId);
 * `get` is strict.
 */
export class QuotaClient extends ServiceClient {
  constructor(
    http: HttpClient,
    metrics: MetricsService,
    private readonly options: QuotaClientOptions,
  ) {
    super(http, metrics);
  }

  /** Would adding these resources keep the user within quota? Read-only, so retried like a GET. */
  async check(request: QuotaCheckRequest): Promise<QuotaCheckOutcome> {
    const body: QuotaCheckRequest = {
      userId: request.userId,
      devices: request.devices,
      cpuCores: request.cpuCores,
      memoryMb: request.memoryMb,
      storageGb: request.storageGb,
    };
    const result = await this.policyCheck('quota.check', this.options.checkWhenUnavailable, () =>
      this.http.post<QuotaCheckResponse>(USER_ROUTES.quotaCheck, body, { idempotent: true }),
    );
    return result.degraded
      ? { degraded: true, allowed: true, failure: result.failure }
      : { degraded: false, allowed: result.response.allowed, response: result.response };
  }

  /** Counts an allocation against the quota (403 QUOTA_EXCEEDED → `rejected`). */
  reportUsage(request: QuotaUsageRequest): Promise<DeliveryOutcome<QuotaChangeResponse>> {
    const body: QuotaUsageRequest = {
      userId: request.userId,
      allocationId: request.allocationId,
      cpuCores: request.cpuCores,
      memoryMb: request.memoryMb,
      storageGb: request.storageGb,
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

  /** A user's limits and usage; DependencyUnavailableError when user-service is unavailable. */
  get(userId: string): Promise<UserQuotaResponse> {
    return this.strictCall('quota.get', () =>
      this.http.get<UserQuotaResponse>(USER_ROUTES.quota, { params: { userId } }),
    );
  }
}
