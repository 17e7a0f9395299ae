import { type BillingBalanceLowEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { canonicalInstant, formatMoney } from './notification-text.formatters';

/**
 * `billing.balance_low` → "Balance low". The payload names no billing record, so the fact is
 * identified by user, threshold and `occurredAt` (the publisher's transaction time, kept by its
 * outbox row): a re-sent copy of one crossing matches, a later crossing of the same threshold does not.
 */
export const BALANCE_LOW_NOTIFICATION: EventNotificationRecipe<BillingBalanceLowEventData> = {
  versions: [1],
  sourceKey: (data, event) =>
    `${DOMAIN_EVENTS.billingBalanceLow}:${data.userId}:${data.thresholdMinor}:${canonicalInstant(event.occurredAt)}`,
  text: (data) => ({
    title: 'Balance low',
    body:
      `Your balance is ${formatMoney(data.balanceMinor, data.currency)}, below your alert threshold of ` +
      `${formatMoney(data.thresholdMinor, data.currency)}. Top up to keep your devices running.`,
  }),
};
