import type { DeviceSpec } from '@cloudphone/contracts';

/**
 * A row of `running_allocations`: an allocation device-service listed as active, and its meter (the
 * seconds from its start the slices covered and what they charged). Closed once its usage report
 * charged the rest (`usageId`).
 */
export interface RunningAllocation extends DeviceSpec {
  allocationId: string;
  userId: string;
  tenantId: string;
  deviceId: string;
  startedAt: Date;
  /** The latest expiry device-service listed (an extension moves it later). */
  expiresAt: Date;
  slicedSeconds: number;
  slicedMinor: bigint;
  usageId: string | null;
}

/** What device-service's list of active allocations tells about one. */
export type AllocationStart = Omit<RunningAllocation, 'slicedSeconds' | 'slicedMinor' | 'usageId'>;

/** A row of `usage_slices`: a charge of a running allocation, or the one refund of its excess. */
export interface UsageSlice {
  id: string;
  allocationId: string;
  accountId: string;
  kind: 'slice' | 'refund';
  secondsFrom: number;
  secondsTo: number;
  /** Charged (>= 0), or given back (< 0) by a refund. */
  amountMinor: bigint;
  pricePlanId: string;
  currency: string;
}

/** What the slices had charged an allocation when its usage report arrived (zeros if never sliced). */
export interface SlicedUsage {
  slicedSeconds: number;
  slicedMinor: bigint;
}
