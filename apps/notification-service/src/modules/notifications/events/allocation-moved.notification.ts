import { type AllocationMovedEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatUtc } from './notification-text.formatters';

/** `allocation.moved` → "Device replaced"; one per move (a new fencing token each time). */
export const ALLOCATION_MOVED_NOTIFICATION: EventNotificationRecipe<AllocationMovedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.allocationMoved}:${data.allocationId}:${data.fencingToken}`,
  text: (data) => ({
    title: 'Device replaced',
    body:
      `Your device failed, so your rental moved to a healthy one, until ${formatUtc(data.expiresAt)} as before ` +
      `and billed as one rental. Fetch its new access: the old ADB endpoint and token no longer work.`,
  }),
};
