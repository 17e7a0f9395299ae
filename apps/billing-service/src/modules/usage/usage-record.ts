import { randomUUID } from 'node:crypto';
import { type DeviceSpec, deviceSpecOf, type UsageRecordRequest } from '@cloudphone/contracts';

/** A row of `usage_records`: one allocation's usage (of its device's spec), charged once. */
export interface UsageRecord extends DeviceSpec {
  id: string;
  allocationId: string;
  accountId: string;
  userId: string;
  tenantId: string;
  deviceId: string;
  startedAt: Date;
  endedAt: Date;
  billedSeconds: number;
  pricePlanId: string;
  /** The allocation's whole price: its slices and its usage report's ledger entry add up to it. */
  amountMinor: bigint;
  /** What its slices had covered and charged when the report was recorded (migration 0008). */
  slicedSeconds: number;
  slicedMinor: bigint;
  currency: string;
  balanceAfterMinor: bigint;
}

/**
 * Whether a resent report describes the usage already recorded for its allocation (times compared
 * as instants, so `…Z` and `…+00:00` are the same). Anything else is a conflicting report.
 */
export function describesSameUsage(
  record: UsageRecord,
  request: UsageRecordRequest,
  period: { startedAt: Date; endedAt: Date },
): boolean {
  return (
    record.userId === request.userId &&
    record.tenantId === request.tenantId &&
    record.deviceId === request.deviceId &&
    record.startedAt.getTime() === period.startedAt.getTime() &&
    record.endedAt.getTime() === period.endedAt.getTime() &&
    record.billedSeconds === request.billedSeconds &&
    record.cpuCores === request.cpuCores &&
    record.memoryMb === request.memoryMb &&
    record.storageGb === request.storageGb
  );
}

/**
 * The record a report makes: its usage, priced `amountMinor` under plan `pricePlanId`, charged to
 * the account after `sliced` (what slices took while it ran), leaving `balanceAfterMinor`.
 */
export function newUsageRecord(
  request: UsageRecordRequest,
  period: { startedAt: Date; endedAt: Date },
  charge: {
    account: { id: string; currency: string };
    pricePlanId: string;
    amountMinor: bigint;
    sliced: { slicedSeconds: number; slicedMinor: bigint };
    balanceAfterMinor: bigint;
  },
): UsageRecord {
  return {
    id: randomUUID(),
    allocationId: request.allocationId,
    accountId: charge.account.id,
    userId: request.userId,
    tenantId: request.tenantId,
    deviceId: request.deviceId,
    startedAt: period.startedAt,
    endedAt: period.endedAt,
    billedSeconds: request.billedSeconds,
    ...deviceSpecOf(request),
    pricePlanId: charge.pricePlanId,
    amountMinor: charge.amountMinor,
    slicedSeconds: charge.sliced.slicedSeconds,
    slicedMinor: charge.sliced.slicedMinor,
    currency: charge.account.currency,
    balanceAfterMinor: charge.balanceAfterMinor,
  };
}
