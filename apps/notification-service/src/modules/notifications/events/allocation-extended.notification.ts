import { type AllocationExtendedEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatMinutes, formatUtc } from './notification-text.formatters';

/** `allocation.extended` → "Allocation extended"; one per extension (a replayed extension is the same one). */
export const ALLOCATION_EXTENDED_NOTIFICATION: EventNotificationRecipe<AllocationExtendedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.allocationExtended}:${data.extensionId}`,
  text: (data) => ({
    title: 'Allocation extended',
    body: `Your device is yours ${formatMinutes(data.additionalMinutes)} longer, until ${formatUtc(data.expiresAt)}.`,
  }),
};
