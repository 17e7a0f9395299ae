import type {
  BillingInvoiceIssuedEventData,
  BillingInvoiceOverdueEventData,
  BillingPaymentFailedEventData,
  BillingPaymentSucceededEventData,
  EventEnvelope,
} from '@cloudphone/contracts';
import { INVOICE_ISSUED_NOTIFICATION, INVOICE_OVERDUE_NOTIFICATION } from './invoice.notifications';
import { PAYMENT_FAILED_NOTIFICATION, PAYMENT_SUCCEEDED_NOTIFICATION } from './payment.notifications';

const owner = { userId: '9c1f2e3d-4b5a-4c6d-8e7f-0a1b2c3d4e5f', tenantId: 'default' };
const paymentId = '4f6b3c1e-1b6d-4f0e-9a51-0c2d7f3e8a10';
const invoiceId = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const envelope: EventEnvelope = {
  id: 'e',
  type: 'billing.payment_succeeded',
  version: 1,
  occurredAt: '2026-03-01T12:00:00.000Z',
  source: 'billing-service',
  data: {},
};
const payment = {
  ...owner,
  paymentId,
  provider: 'stripe' as const,
  amountMinor: '5000',
  chargedMinor: '5000',
  currency: 'USD',
};
const invoice = {
  ...owner,
  invoiceId,
  number: 'INV-202612-000001',
  period: '2026-12',
  amountDueMinor: '300',
  currency: 'USD',
  dueAt: '2027-01-15T02:00:00.000Z',
};

describe('payment and invoice notification recipes', () => {
  it('billing.payment_succeeded: amount and new balance, one per payment', () => {
    const data: BillingPaymentSucceededEventData = {
      ...payment,
      balanceMinor: '12500',
      settledAt: '2026-03-01T12:00:00.000Z',
    };
    expect(PAYMENT_SUCCEEDED_NOTIFICATION.text(data)).toEqual({
      title: 'Payment received',
      body: 'Your payment of 50.00 USD went through. Your balance is now 125.00 USD.',
    });
    expect(PAYMENT_SUCCEEDED_NOTIFICATION.sourceKey(data, envelope)).toBe(
      `billing.payment_succeeded:${paymentId}`,
    );
    const discounted = PAYMENT_SUCCEEDED_NOTIFICATION.text({ ...data, chargedMinor: '4500' });
    expect(discounted.body).toBe(
      'Your payment of 45.00 USD went through and 50.00 USD was credited (coupon applied). ' +
        'Your balance is now 125.00 USD.',
    );
  });

  it('billing.payment_failed: says what happened by status, keyed by payment and status', () => {
    const declined: BillingPaymentFailedEventData = {
      ...payment,
      status: 'failed',
      failureCode: 'card_declined',
    };
    expect(PAYMENT_FAILED_NOTIFICATION.text(declined)).toEqual({
      title: 'Payment declined',
      body: 'Your payment of 50.00 USD was declined (card_declined). Your balance is unchanged. You can try again.',
    });
    expect(PAYMENT_FAILED_NOTIFICATION.sourceKey(declined, envelope)).toBe(
      `billing.payment_failed:${paymentId}:failed`,
    );
    const expired: BillingPaymentFailedEventData = { ...payment, status: 'expired', failureCode: null };
    expect(PAYMENT_FAILED_NOTIFICATION.text(expired)).toEqual({
      title: 'Payment expired',
      body:
        'Your payment of 50.00 USD was not completed in time and expired. Your balance is unchanged. ' +
        'Start a new payment to top up.',
    });
    // A decline then an expiry of the same payment are two facts.
    expect(PAYMENT_FAILED_NOTIFICATION.sourceKey(expired, envelope)).toBe(
      `billing.payment_failed:${paymentId}:expired`,
    );
    expect(PAYMENT_FAILED_NOTIFICATION.text({ ...expired, status: 'canceled' }).title).toBe(
      'Payment canceled',
    );
    expect(PAYMENT_FAILED_NOTIFICATION.supersededBy?.(declined)).toEqual([
      `billing.payment_succeeded:${paymentId}`,
    ]);
  });

  it('billing.invoice_issued: the month, its sums and what is due, one per invoice', () => {
    const data: BillingInvoiceIssuedEventData = {
      ...invoice,
      openingBalanceMinor: '1500',
      chargesMinor: '2300',
      creditsMinor: '500',
      closingBalanceMinor: '-300',
      status: 'issued',
      issuedAt: '2027-01-01T02:00:00.000Z',
    };
    expect(INVOICE_ISSUED_NOTIFICATION.text(data)).toEqual({
      title: 'Invoice issued',
      body:
        'Your invoice INV-202612-000001 for December 2026 is ready: charges 23.00 USD, credits 5.00 USD, ' +
        'closing balance -3.00 USD. 3.00 USD is due by 2027-01-15 02:00 UTC: top up your balance to settle it.',
    });
    expect(INVOICE_ISSUED_NOTIFICATION.sourceKey(data, envelope)).toBe(`billing.invoice_issued:${invoiceId}`);
    const settled = { ...data, closingBalanceMinor: '700', amountDueMinor: '0', status: 'paid' as const };
    expect(INVOICE_ISSUED_NOTIFICATION.text(settled).body).toMatch(
      /closing balance 7\.00 USD\. Nothing is due\.$/,
    );
  });

  it('billing.invoice_overdue: what was due, by when, and the balance, one per invoice', () => {
    const data: BillingInvoiceOverdueEventData = { ...invoice, balanceMinor: '-120' };
    expect(INVOICE_OVERDUE_NOTIFICATION.text(data)).toEqual({
      title: 'Invoice overdue',
      body:
        'Your invoice INV-202612-000001 for December 2026 is overdue: 3.00 USD was due by 2027-01-15 02:00 UTC ' +
        'and your balance is -1.20 USD. Top up your balance to settle it.',
    });
    expect(INVOICE_OVERDUE_NOTIFICATION.sourceKey(data, envelope)).toBe(
      `billing.invoice_overdue:${invoiceId}`,
    );
    const yen = INVOICE_OVERDUE_NOTIFICATION.text({ ...data, currency: 'JPY', amountDueMinor: '300' });
    expect(yen.body).toContain('300 JPY was due');
  });
});
