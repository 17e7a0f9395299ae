import {
  type AllocationEndReason,
  type AllocationResponse,
  type AllocationStatus,
  type DeviceSpec,
  deviceSpecOf,
} from '@cloudphone/contracts';

import type { OutboxMessage } from '@cloudphone/shared';
/** One row of device_allocations as the scheduler works with it; its spec is the claimed device's. */
export interface AllocationRecord extends DeviceSpec {
  id: string;
  deviceId: string;
  userId: string;
  tenantId: string;
  status: AllocationStatus;
  /** The device's claim number (a bigint, kept as a decimal string). */
  fencingToken: string;
  region: string;
  androidVersion: string;
  durationMinutes: number;
  claimedAt: Date;
  startedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: AllocationEndReason | null;
  billedSeconds: number | null;
  failureCode: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  /** The answer given when it was allocated, replayed for a repeated idempotency key. */
  response: AllocationResponse | null;
  chargedAmountMinor: string | null;
  chargedCurrency: string | null;
  /** Extensions so far and their minutes together; durationMinutes already includes them. */
  extensionCount: number;
  extendedMinutes: number;
  lastExtendedAt: Date | null;
  createdAt: Date;
}

/** The public shape of an allocation. */
export function toAllocationResponse(record: AllocationRecord): AllocationResponse {
  return {
    id: record.id,
    deviceId: record.deviceId,
    userId: record.userId,
    tenantId: record.tenantId,
    status: record.status,
    fencingToken: record.fencingToken,
    durationMinutes: record.durationMinutes,
    region: record.region,
    androidVersion: record.androidVersion,
    ...deviceSpecOf(record),
    startedAt: record.startedAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    endedAt: record.endedAt?.toISOString() ?? null,
    endReason: record.endReason,
    billedSeconds: record.billedSeconds,
    chargedAmountMinor: record.chargedAmountMinor,
    currency: record.chargedCurrency,
    createdAt: record.createdAt.toISOString(),
  };
}

/** An allocation an end statement ended, with the usage reports it stored for it, to deliver. */
export interface EndedAllocation {
  allocation: AllocationRecord;
  reports: OutboxMessage[];
}
