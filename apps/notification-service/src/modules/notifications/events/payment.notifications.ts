import {
  type BillingPaymentFailedEventData,
  type BillingPaymentSucceededEventData,
  DOMAIN_EVENTS,
} from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { formatMoney } from './notification-text.formatters';

const paymentSucceededKey = (paymentId: string) => `${DOMAIN_EVENTS.billingPaymentSucceeded}:${paymentId}`;

/** `billing.payment_succeeded` → "Payment received"; one per payment: billing credits it once. */
export const PAYMENT_SUCCEEDED_NOTIFICATION: EventNotificationRecipe<BillingPaymentSucceededEventData> = {
  versions: [1],
  sourceKey: (data) => paymentSucceededKey(data.paymentId),
  text: (data) => {
    const charged = formatMoney(data.chargedMinor, data.currency);
    const credited = formatMoney(data.amountMinor, data.currency);
    const balance = formatMoney(data.balanceMinor, data.currency);
    // A coupon makes the charge smaller than the credit; say both so neither looks like an error.
    const what =
      data.chargedMinor === data.amountMinor
        ? `Your payment of ${charged} went through`
        : `Your payment of ${charged} went through and ${credited} was credited (coupon applied)`;
    return { title: 'Payment received', body: `${what}. Your balance is now ${balance}.` };
  },
};

const FAILED_TEXT: Record<BillingPaymentFailedEventData['status'], { title: string; outcome: string }> = {
  failed: { title: 'Payment declined', outcome: 'was declined' },
  canceled: { title: 'Payment canceled', outcome: 'was canceled' },
  expired: { title: 'Payment expired', outcome: 'was not completed in time and expired' },
};

/**
 * `billing.payment_failed` → "Payment declined / canceled / expired". Keyed by payment and status:
 * a declined payment may later expire (two facts), but each status is reached once. A declined
 * attempt the payer retried successfully is old news once "Payment received" exists.
 */
export const PAYMENT_FAILED_NOTIFICATION: EventNotificationRecipe<BillingPaymentFailedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.billingPaymentFailed}:${data.paymentId}:${data.status}`,
  failureCode: (data) => data.failureCode ?? data.status,
  supersededBy: (data) => [paymentSucceededKey(data.paymentId)],
  text: (data) => {
    const { title, outcome } = FAILED_TEXT[data.status];
    const reason = data.failureCode ? ` (${data.failureCode})` : '';
    const next = data.status === 'failed' ? 'You can try again.' : 'Start a new payment to top up.';
    return {
      title,
      body:
        `Your payment of ${formatMoney(data.chargedMinor, data.currency)} ${outcome}${reason}. ` +
        `Your balance is unchanged. ${next}`,
    };
  },
};
