import { DOMAIN_EVENTS, type DeviceAllocatedEventData } from '@cloudphone/contracts';
import { IsInt, IsISO8601, IsNotEmpty, IsPositive, IsString, IsUUID } from 'class-validator';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatUtc } from './notification-text.formatters';

class DeviceAllocatedPayload implements DeviceAllocatedEventData {
  @IsUUID()
  allocationId!: string;

  @IsUUID()
  deviceId!: string;

  @IsUUID()
  userId!: string;

  @IsString()
  @IsNotEmpty()
  tenantId!: string;

  @IsString()
  @IsNotEmpty()
  region!: string;

  @IsInt()
  @IsPositive()
  cpuCores!: number;

  @IsInt()
  @IsPositive()
  memoryMb!: number;

  @IsInt()
  @IsPositive()
  storageGb!: number;

  @IsISO8601({ strict: true })
  startedAt!: string;

  @IsISO8601({ strict: true })
  expiresAt!: string;

  @IsString()
  @IsNotEmpty()
  fencingToken!: string;
}

/** `device.allocated` → "Device allocated"; one per allocation. */
export const DEVICE_ALLOCATED_NOTIFICATION: EventNotificationRecipe<DeviceAllocatedPayload> = {
  versions: [1],
  payload: DeviceAllocatedPayload,
  sourceKey: (data) => `${DOMAIN_EVENTS.deviceAllocated}:${data.allocationId}`,
  text: (data) => ({
    title: 'Device allocated',
    body:
      `Your ${data.cpuCores}-core device (${data.memoryMb} MB memory, ${data.storageGb} GB storage) ` +
      `in ${data.region} is ready until ${formatUtc(data.expiresAt)}.`,
  }),
};
