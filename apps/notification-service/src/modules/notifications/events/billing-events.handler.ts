import { Injectable } from '@nestjs/common';
import {
  type BillingBalanceLowEventData,
  type BillingInvoiceIssuedEventData,
  type BillingInvoiceOverdueEventData,
  type BillingPaymentFailedEventData,
  type BillingPaymentSucceededEventData,
  DOMAIN_EVENTS,
  type EventEnvelope,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { BALANCE_LOW_NOTIFICATION } from './balance-low.notification';
import { EventNotificationsService } from './event-notifications.service';
import { INVOICE_ISSUED_NOTIFICATION, INVOICE_OVERDUE_NOTIFICATION } from './invoice.notifications';
import { PAYMENT_FAILED_NOTIFICATION, PAYMENT_SUCCEEDED_NOTIFICATION } from './payment.notifications';

/** Notifies users about their billing account, payments and invoices, from billing-service's events. */
@Injectable()
export class BillingEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.billingBalanceLow)
  onBalanceLow(event: EventEnvelope<BillingBalanceLowEventData>): Promise<void> {
    return this.notifications.record(event, BALANCE_LOW_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.billingPaymentSucceeded)
  onPaymentSucceeded(event: EventEnvelope<BillingPaymentSucceededEventData>): Promise<void> {
    return this.notifications.record(event, PAYMENT_SUCCEEDED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.billingPaymentFailed)
  onPaymentFailed(event: EventEnvelope<BillingPaymentFailedEventData>): Promise<void> {
    return this.notifications.record(event, PAYMENT_FAILED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.billingInvoiceIssued)
  onInvoiceIssued(event: EventEnvelope<BillingInvoiceIssuedEventData>): Promise<void> {
    return this.notifications.record(event, INVOICE_ISSUED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.billingInvoiceOverdue)
  onInvoiceOverdue(event: EventEnvelope<BillingInvoiceOverdueEventData>): Promise<void> {
    return this.notifications.record(event, INVOICE_OVERDUE_NOTIFICATION);
  }
}
