import { type AllocationExpiredEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatDuration, formatUtc } from './notification-text.formatters';

/** `allocation.expired` → "Device expired" with the billed time; one per allocation. */
export const ALLOCATION_EXPIRED_NOTIFICATION: EventNotificationRecipe<AllocationExpiredEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.allocationExpired}:${data.allocationId}`,
  text: (data) => ({
    title: 'Device expired',
    body:
      `Your device allocation ended at ${formatUtc(data.expiredAt)}. ` +
      `Billed time: ${formatDuration(data.billedSeconds)}.`,
  }),
};
