import { DOMAIN_EVENTS, type UserTierChangedEventData } from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';

/** `user.tier_changed` → "Plan changed"; one per change (its event id: a tier may come back). */
export const TIER_CHANGED_NOTIFICATION: EventNotificationRecipe<UserTierChangedEventData> = {
  versions: [1],
  sourceKey: (_data, event) => `${DOMAIN_EVENTS.userTierChanged}:${event.id}`,
  text: (data) => ({
    title: 'Plan changed',
    body:
      `Your plan changed from ${data.previousTier} to ${data.tier}. Its quota, extension rules ` +
      'and queue priority apply from now on.',
  }),
};
