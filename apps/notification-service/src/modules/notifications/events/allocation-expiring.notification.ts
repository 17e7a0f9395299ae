import { type AllocationExpiringEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { canonicalInstant, formatMinutes, formatUtc } from './notification-text.formatters';

/**
 * `allocation.expiring` → "Device expiring soon"; one per allocation and expiry time (an extended
 * allocation gets a new warning for its new end). A warning that arrives after the allocation
 * already ended (deliveries may be reordered) is dropped as stale.
 */
export const ALLOCATION_EXPIRING_NOTIFICATION: EventNotificationRecipe<AllocationExpiringEventData> = {
  versions: [1],
  sourceKey: (data) =>
    `${DOMAIN_EVENTS.allocationExpiring}:${data.allocationId}:${canonicalInstant(data.expiresAt)}`,
  supersededBy: (data) => [
    `${DOMAIN_EVENTS.allocationExpired}:${data.allocationId}`,
    `${DOMAIN_EVENTS.deviceReleased}:${data.allocationId}`,
  ],
  text: (data) => ({
    title: 'Device expiring soon',
    body:
      `Your device expires in ${formatMinutes(data.minutesLeft)} (at ${formatUtc(data.expiresAt)}). ` +
      'Extend the allocation to keep it.',
  }),
};
