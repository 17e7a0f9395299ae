import type { QuotaResources, UserStatus } from '@cloudphone/contracts';

/** A user's quota as stored, or as it would be created from the tier's defaults. */
export interface QuotaState {
  userId: string;
  userStatus: UserStatus;
  limits: QuotaResources;
  usage: QuotaResources;
  /** An admin set these limits, so a tier change leaves them alone. */
  customLimits: boolean;
  /** False while the user's quota row has not been created yet (limits are the tier's defaults). */
  stored: boolean;
}

export type UsageRecordStatus = 'applied' | 'restored';

/** One allocation's quota record: what it took and whether it still counts. */
export interface UsageRecord {
  allocationId: string;
  userId: string;
  amounts: QuotaResources;
  status: UsageRecordStatus;
  /** Null for a restore that arrived before its usage report. */
  appliedAt: Date | null;
}
