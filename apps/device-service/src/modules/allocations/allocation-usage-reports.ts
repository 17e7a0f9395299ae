import { type DeviceSpec, deviceSpecOf } from '@cloudphone/contracts';
import type { NewUsageReport } from '../usage-reports';
import type { AllocationRecord } from './allocation-record';

// The usage reports an allocation owes, built in one place (stored through UsageReportDispatcher,
// in the transaction of the change they report, as outbox messages the usage-reports module builds).
// What an ended allocation owes is built by its end statement instead (allocation-ending-sql.ts).

/** An allocation that went through without a quota answer (user-service down, policy `allow`). */
export function quotaUsageReport(
  allocation: Pick<AllocationRecord, 'id' | 'userId'> & DeviceSpec,
): NewUsageReport {
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
export function quotaRestoreReport(allocation: Pick<AllocationRecord, 'id' | 'userId'>): NewUsageReport {
  return {
    kind: 'quota_restore',
    allocationId: allocation.id,
    payload: { userId: allocation.userId, allocationId: allocation.id },
  };
}

/**
 * A late-cancelled reservation's fee: `feeSeconds` of its slot billed like usage of its device
 * (billing's per-second price for the spec; one record per reservation id, like an allocation's).
 */
export function cancellationFeeReport(
  reservation: { id: string; userId: string; tenantId: string; startAt: Date; endAt: Date },
  device: { deviceId: string } & DeviceSpec,
  feeSeconds: number,
): NewUsageReport {
  return {
    kind: 'billing_usage',
    allocationId: reservation.id,
    payload: {
      allocationId: reservation.id,
      userId: reservation.userId,
      tenantId: reservation.tenantId,
      deviceId: device.deviceId,
      startedAt: reservation.startAt.toISOString(),
      endedAt: reservation.endAt.toISOString(),
      billedSeconds: feeSeconds,
      ...deviceSpecOf(device),
    },
  };
}
