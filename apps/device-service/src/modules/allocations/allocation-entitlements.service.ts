import { Injectable } from '@nestjs/common';
import {
  AppError,
  type DeliveryOutcome,
  DependencyUnavailableError,
  HttpRequestError,
} from '@cloudphone/shared';
import { type DeviceSpec, deviceSpecOf, type QuotaChangeResponse } from '@cloudphone/contracts';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { BillingClient } from '../../integrations/platform-services/billing.client';
import { QuotaClient } from '../../integrations/platform-services/quota.client';
import type { AllocationRecord } from './allocation-record';
import { AllocationErrors } from './allocations.errors';

/**
 * Whether a claimed device may be handed over. `quotaTaken`: user-service counted (or may have
 * counted) the allocation, so a refusal must give the quota back. `quotaDeferred`: user-service was
 * down under QUOTA_CHECK_WHEN_UNAVAILABLE=allow, so the usage report is owed and sent later.
 */
export type Entitlement =
  { granted: true; quotaDeferred: boolean } | { granted: false; refusal: AppError; quotaTaken: boolean };

/** What is being entitled: an allocation's (or a reservation's slot's) id, owner, length and device spec. */
export type EntitlementRequest = Pick<AllocationRecord, 'id' | 'userId' | 'durationMinutes'> & DeviceSpec;

/**
 * Quota and balance for one claimed device, asked in parallel for its exact spec. The quota side
 * is the usage report itself — user-service's check-and-increment is one conditional statement —
 * so two concurrent allocations of one user can never both pass a limit that fits only one.
 */
@Injectable()
export class AllocationEntitlements {
  constructor(
    private readonly quota: QuotaClient,
    private readonly billing: BillingClient,
    private readonly config: DeviceServiceConfig,
  ) {}

  async confirm(claim: EntitlementRequest): Promise<Entitlement> {
    const [quota, balance] = await Promise.allSettled([
      this.quota.reportUsage({
        userId: claim.userId,
        allocationId: claim.id,
        ...deviceSpecOf(claim),
      }),
      this.billing.checkBalance({
        userId: claim.userId,
        durationSeconds: claim.durationMinutes * 60,
        ...deviceSpecOf(claim),
      }),
    ]);
    if (quota.status === 'rejected') throw quota.reason;
    const quotaVerdict = this.quotaVerdict(quota.value);
    const balanceRefusal = balanceRefusalOf(balance);
    const refusal = quotaVerdict.refusal ?? balanceRefusal;
    if (refusal) return { granted: false, refusal, quotaTaken: quotaVerdict.taken };
    return { granted: true, quotaDeferred: quotaVerdict.deferred };
  }

  private quotaVerdict(outcome: DeliveryOutcome<QuotaChangeResponse>): {
    refusal?: AppError;
    taken: boolean;
    deferred: boolean;
  } {
    switch (outcome.status) {
      case 'delivered':
        return { taken: true, deferred: false };
      case 'rejected': {
        const { status, code, message, details } = outcome.failure;
        return {
          refusal: AllocationErrors.refusedByUserService(status, code, message, details),
          taken: false,
          deferred: false,
        };
      }
      case 'deferred':
        // The report may have been applied before the answer was lost: a refusal must restore it.
        if (this.config.quotaCheckWhenUnavailable === 'deny') {
          return {
            refusal: new DependencyUnavailableError('user-service', 'quota.usage', outcome.failure),
            taken: true,
            deferred: false,
          };
        }
        return { taken: true, deferred: true };
    }
  }
}

function balanceRefusalOf(
  balance: PromiseSettledResult<Awaited<ReturnType<BillingClient['checkBalance']>>>,
): AppError | undefined {
  if (balance.status === 'rejected') {
    const error = balance.reason as unknown;
    if (error instanceof AppError) return error;
    if (error instanceof HttpRequestError && error.targetUnavailable) {
      return new DependencyUnavailableError('billing-service', 'billing.balance_check', error);
    }
    throw error;
  }
  const outcome = balance.value;
  if (outcome.degraded || outcome.sufficient) return undefined;
  return AllocationErrors.insufficientBalance({
    balanceMinor: outcome.response.balanceMinor,
    requiredMinor: outcome.response.requiredMinor,
    currency: outcome.response.currency,
  });
}
