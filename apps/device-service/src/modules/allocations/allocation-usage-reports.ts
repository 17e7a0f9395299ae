import { deviceSpecOf } from '@cloudphone/contracts';
import type { NewUsageReport } from '../usage-reports';
import type { AllocationRecord } from './allocation-record';

// The usage reports an allocation owes, built in one place (stored through UsageReportDispatcher,
// in the transaction of the change they report, as outbox messages the usage-reports module builds).

/** An allocation that went through without a quota answer (user-service down, policy `allow`). */
export function quotaUsageReport(allocation: AllocationRecord): NewUsageReport {
  return {
    kind: 'quota_usage',
    allocationId: allocation.id,
    payload: {
      userId: allocation.userId,
      allocationId: allocation.id,
      ...deviceSpecOf(allocation),
    },
  };
}

/** The quota of a claim or allocation given back (idempotent: a restore of quota never taken is harmless). */
export function quotaRestoreReport(allocation: AllocationRecord): NewUsageReport {
  return {
    kind: 'quota_restore',
    allocationId: allocation.id,
    payload: { userId: allocation.userId, allocationId: allocation.id },
  };
}

/** What an ended allocation owes: its quota back (user-service) and its usage (billing-service). */
export function endingReports(allocation: AllocationRecord): NewUsageReport[] {
  if (!allocation.endedAt || allocation.billedSeconds === null) {
    throw new Error(`allocation ${allocation.id} has no end to report`);
  }
  return [
    quotaRestoreReport(allocation),
    {
      kind: 'billing_usage',
      allocationId: allocation.id,
      payload: {
        allocationId: allocation.id,
        userId: allocation.userId,
        tenantId: allocation.tenantId,
        deviceId: allocation.deviceId,
        startedAt: allocation.startedAt.toISOString(),
        endedAt: allocation.endedAt.toISOString(),
        billedSeconds: allocation.billedSeconds,
        ...deviceSpecOf(allocation),
      },
    },
  ];
}
