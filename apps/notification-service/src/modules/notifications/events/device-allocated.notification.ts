import { DOMAIN_EVENTS, type DeviceAllocatedEventData } from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatUtc } from './notification-text.formatters';

/** `device.allocated` → "Device allocated"; one per allocation. */
export const DEVICE_ALLOCATED_NOTIFICATION: EventNotificationRecipe<DeviceAllocatedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.deviceAllocated}:${data.allocationId}`,
  text: (data) => ({
    title: 'Device allocated',
    body:
      `Your ${data.cpuCores}-core device (${data.memoryMb} MB memory, ${data.storageGb} GB storage) ` +
      `in ${data.region} is ready until ${formatUtc(data.expiresAt)}.`,
  }),
};
