import type {
  DeviceRequirements,
  QueueEntryResponse,
  QueueEntryStatus,
  UserTier,
} from '@cloudphone/contracts';

/** One row of device_queue_entries as the queue reads it. */
export interface QueueEntryRecord {
  id: string;
  userId: string;
  tenantId: string;
  status: QueueEntryStatus;
  tier: UserTier;
  basePriority: number;
  durationMinutes: number;
  requirements: DeviceRequirements;
  enqueuedAt: Date;
  expiresAt: Date;
  servingSince: Date | null;
  allocationId: string | null;
  outcomeCode: string | null;
  position: number | null;
  endedAt: Date | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  createdAt: Date;
}

/** Where a live entry stands: its place and what an estimate needs. */
export interface QueuePlace {
  position: number;
  averageMinutes: number;
  rentableDevices: number;
}

export const isWaiting = (entry: QueueEntryRecord) =>
  entry.status === 'waiting' || entry.status === 'serving';

export function toQueueEntryResponse(
  entry: QueueEntryRecord,
  priority: number,
  place: { position: number; estimatedWaitMinutes: number } | null,
): QueueEntryResponse {
  return {
    id: entry.id,
    userId: entry.userId,
    tenantId: entry.tenantId,
    status: entry.status,
    tier: entry.tier,
    priority,
    durationMinutes: entry.durationMinutes,
    requirements: entry.requirements,
    enqueuedAt: entry.enqueuedAt.toISOString(),
    expiresAt: entry.expiresAt.toISOString(),
    position: place?.position ?? null,
    estimatedWaitMinutes: place?.estimatedWaitMinutes ?? null,
    allocationId: entry.allocationId,
    outcomeCode: entry.outcomeCode,
    endedAt: entry.endedAt?.toISOString() ?? null,
  };
}
