import { type AllocationFailedEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';

// What a renter is told for the refusals an allocation meets after its claim; anything else by code.
const REASON_TEXT: Record<string, string> = {
  QUOTA_EXCEEDED: 'it would exceed your quota',
  INSUFFICIENT_BALANCE: 'your balance does not cover it',
  DEPENDENCY_UNAVAILABLE: 'a platform service was unavailable; try again shortly',
  USER_SUSPENDED: 'your account is suspended',
};

/** `allocation.failed` → "Allocation failed" with the reason; one per refused claim. */
export const ALLOCATION_FAILED_NOTIFICATION: EventNotificationRecipe<AllocationFailedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.allocationFailed}:${data.allocationId}`,
  failureCode: (data) => data.code,
  text: (data) => ({
    title: 'Allocation failed',
    body: `Your device could not be allocated: ${REASON_TEXT[data.code] ?? `refused (${data.code})`}. Nothing was billed.`,
  }),
};
