import { type AllocationExpiredEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import { IsInt, IsISO8601, IsNotEmpty, IsString, IsUUID, Min } from 'class-validator';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatDuration, formatUtc } from './notification-text.formatters';

class AllocationExpiredPayload implements AllocationExpiredEventData {
  @IsUUID()
  allocationId!: string;

  @IsUUID()
  deviceId!: string;

  @IsUUID()
  userId!: string;

  @IsString()
  @IsNotEmpty()
  tenantId!: string;

  @IsISO8601({ strict: true })
  startedAt!: string;

  @IsISO8601({ strict: true })
  expiredAt!: string;

  @IsInt()
  @Min(0)
  billedSeconds!: number;
}

/** `allocation.expired` → "Device expired" with the billed time; one per allocation. */
export const ALLOCATION_EXPIRED_NOTIFICATION: EventNotificationRecipe<AllocationExpiredPayload> = {
  versions: [1],
  payload: AllocationExpiredPayload,
  sourceKey: (data) => `${DOMAIN_EVENTS.allocationExpired}:${data.allocationId}`,
  text: (data) => ({
    title: 'Device expired',
    body:
      `Your device allocation ended at ${formatUtc(data.expiredAt)}. ` +
      `Billed time: ${formatDuration(data.billedSeconds)}.`,
  }),
};
