import { Injectable } from '@nestjs/common';
import {
  type BillingPaymentFailedEventData,
  type BillingPaymentSucceededEventData,
  DOMAIN_EVENTS,
} from '@cloudphone/contracts';
import { EventPublisher } from '@cloudphone/shared';
import type { PaymentRecord } from './payment-record';

/** Every event the payments module publishes, written to the outbox in the caller's transaction. */
@Injectable()
export class PaymentEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  /** `billing.payment_succeeded`: the account was credited the payment's amount (once). */
  async succeeded(payment: PaymentRecord, balanceMinor: bigint): Promise<void> {
    const data: BillingPaymentSucceededEventData = {
      ...paymentFields(payment),
      balanceMinor: balanceMinor.toString(),
      settledAt: (payment.settledAt ?? payment.updatedAt).toISOString(),
    };
    await this.events.publish({ type: DOMAIN_EVENTS.billingPaymentSucceeded, aggregateId: payment.id, data });
  }

  /** `billing.payment_failed`: declined (still payable), cancelled or expired. */
  async failed(payment: PaymentRecord & { status: 'failed' | 'canceled' | 'expired' }): Promise<void> {
    const data: BillingPaymentFailedEventData = {
      ...paymentFields(payment),
      status: payment.status,
      failureCode: payment.failureCode,
    };
    await this.events.publish({ type: DOMAIN_EVENTS.billingPaymentFailed, aggregateId: payment.id, data });
  }
}

function paymentFields(payment: PaymentRecord) {
  return {
    userId: payment.userId,
    tenantId: payment.tenantId,
    paymentId: payment.id,
    provider: payment.provider,
    amountMinor: payment.amountMinor.toString(),
    chargedMinor: payment.chargedMinor.toString(),
    currency: payment.currency,
  };
}
