import {
  DOMAIN_EVENTS,
  type ProxyAcquiredEventData,
  type ProxyReleasedEventData,
  type ProxyRentalEndReason,
} from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatDuration, formatUtc } from './notification-text.formatters';

// A Record over the union: adding a reason to the contract fails to compile until it has a text.
const REASON_TEXT: Record<ProxyRentalEndReason, string> = {
  released: 'You released your proxy',
  expired: 'Your proxy reached the end of its sticky session and was released',
  allocation_ended: 'Your proxy was released with the device allocation it was bound to',
  user_gone: 'Your proxy was released because your account is no longer active',
  account_overdue: 'Your proxy was released because your account is overdue',
  proxy_retired: 'Your proxy was taken out of service and released',
};

/** `proxy.acquired` → "Proxy ready" with the exit and how long it is kept; one per rental. */
export const PROXY_ACQUIRED_NOTIFICATION: EventNotificationRecipe<ProxyAcquiredEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.proxyAcquired}:${data.rentalId}`,
  text: (data) => ({
    title: 'Proxy ready',
    body: `Your ${data.type} proxy in ${data.countryCode} keeps its exit until ${formatUtc(data.expiresAt)}.`,
  }),
};

/** `proxy.released` → "Proxy released" with the reason and how long it was held; one per rental. */
export const PROXY_RELEASED_NOTIFICATION: EventNotificationRecipe<ProxyReleasedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.proxyReleased}:${data.rentalId}`,
  text: (data) => {
    const seconds = Math.max(0, Math.floor((Date.parse(data.endedAt) - Date.parse(data.startedAt)) / 1000));
    return {
      title: 'Proxy released',
      body: `${REASON_TEXT[data.reason]}. Held for ${formatDuration(seconds)}.`,
    };
  },
};
