import {
  DOMAIN_EVENTS,
  type QueueExpiredEventData,
  type QueueFulfilledEventData,
  type QueueRefusedEventData,
} from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatDuration } from './notification-text.formatters';

/** `queue.fulfilled` → "Your device is ready"; one per entry. */
export const QUEUE_FULFILLED_NOTIFICATION: EventNotificationRecipe<QueueFulfilledEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.queueFulfilled}:${data.entryId}`,
  text: (data) => ({
    title: 'Your device is ready',
    body: `After ${formatDuration(data.waitedSeconds)} in the queue, a device was allocated to you.`,
  }),
};

/** `queue.expired` → "Queue wait ended"; one per entry. */
export const QUEUE_EXPIRED_NOTIFICATION: EventNotificationRecipe<QueueExpiredEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.queueExpired}:${data.entryId}`,
  text: (data) => ({
    title: 'Queue wait ended',
    body: `No matching device became free within ${formatDuration(data.waitedSeconds)}; you left the queue.`,
  }),
};

/** `queue.refused` → "Queue entry refused"; one per entry. */
export const QUEUE_REFUSED_NOTIFICATION: EventNotificationRecipe<QueueRefusedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.queueRefused}:${data.entryId}`,
  failureCode: (data) => data.code,
  text: (data) => ({
    title: 'Queue entry refused',
    body: `A device was free for you, but the allocation was refused (${data.code}); you left the queue.`,
  }),
};
