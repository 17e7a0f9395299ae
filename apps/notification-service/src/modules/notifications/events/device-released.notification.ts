import { type AllocationEndReason, DOMAIN_EVENTS, type DeviceReleasedEventData } from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatDuration } from './notification-text.formatters';

// A Record over the union: adding a reason to the contract fails to compile until it has a text.
const REASON_TEXT: Record<AllocationEndReason, string> = {
  released: 'Your device was released',
  expired: 'Your device reached the end of its allocation and was released',
  user_deleted: 'Your device was released because your account was deleted',
  user_suspended: 'Your device was released because your account was suspended',
  account_overdue: 'Your device was released because your account is overdue',
  device_failed: 'Your device was released because it failed',
  admin: 'An administrator released your device',
};

/** `device.released` → "Device released" with the reason and the billed time; one per allocation. */
export const DEVICE_RELEASED_NOTIFICATION: EventNotificationRecipe<DeviceReleasedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.deviceReleased}:${data.allocationId}`,
  text: (data) => ({
    title: 'Device released',
    body: `${REASON_TEXT[data.reason]}. Billed time: ${formatDuration(data.billedSeconds)}.`,
  }),
};
