/**
 * The `data` of each domain event (version 1). Times are ISO-8601 strings from the publisher's
 * database clock; money is integer minor units as a decimal string; ids are uuids.
 */
export interface DeviceAllocatedEventData {
  allocationId: string;
  deviceId: string;
  userId: string;
  tenantId: string;
  region: string;
  cpuCores: number;
  memoryMb: number;
  storageGb: number;
  startedAt: string;
  expiresAt: string;
  /** Per-device claim number; a consumer may ignore anything older than what it has seen. */
  fencingToken: string;
}

export type AllocationEndReason =
  'released' | 'expired' | 'user_deleted' | 'account_overdue' | 'device_failed' | 'admin';

export interface DeviceReleasedEventData {
  allocationId: string;
  deviceId: string;
  userId: string;
  tenantId: string;
  startedAt: string;
  endedAt: string;
  billedSeconds: number;
  reason: AllocationEndReason;
  fencingToken: string;
}

export interface AllocationExpiringEventData {
  allocationId: string;
  deviceId: string;
  userId: string;
  tenantId: string;
  expiresAt: string;
  minutesLeft: number;
}

export interface AllocationExpiredEventData {
  allocationId: string;
  deviceId: string;
  userId: string;
  tenantId: string;
  startedAt: string;
  expiredAt: string;
  billedSeconds: number;
}

export interface DeviceFailedEventData {
  deviceId: string;
  reason: string;
  /** The allocation that was running on the device, if any. */
  allocationId: string | null;
}

export interface BillingUsageRecordedEventData {
  usageId: string;
  allocationId: string;
  userId: string;
  tenantId: string;
  billedSeconds: number;
  amountMinor: string;
  balanceMinor: string;
  currency: string;
}

export interface BillingBalanceLowEventData {
  userId: string;
  tenantId: string;
  balanceMinor: string;
  thresholdMinor: string;
  currency: string;
}

export interface BillingOverdueEventData {
  userId: string;
  tenantId: string;
  balanceMinor: string;
  currency: string;
}

export interface UserDeletedEventData {
  userId: string;
  tenantId: string;
}
