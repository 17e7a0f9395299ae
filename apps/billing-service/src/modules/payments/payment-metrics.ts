import { Injectable } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';

/** What webhook requests came to. */
export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown_payment' | 'mismatch' | 'invalid';

/** The payments module's counters, shared by its services and its job. */
@Injectable()
export class PaymentMetrics {
  /** Payments entering each status (created as pending, then succeeded, failed, canceled, expired). */
  readonly payments: Counter<'provider' | 'status'>;
  readonly creditedMinor: Counter<'currency'>;
  readonly webhooks: Counter<'provider' | 'outcome'>;
  readonly timeoutChecks: Counter<'outcome'>;

  constructor(metrics: MetricsService) {
    this.payments = metrics.counter({
      name: 'cloudphone_billing_payments_total',
      help: 'Payments entering a status, by provider (pending when created)',
      labelNames: ['provider', 'status'],
    });
    this.creditedMinor = metrics.counter({
      name: 'cloudphone_billing_payments_credited_minor_total',
      help: 'Minor units credited to accounts by succeeded payments, by currency',
      labelNames: ['currency'],
    });
    this.webhooks = metrics.counter({
      name: 'cloudphone_billing_payment_webhooks_total',
      help: 'Payment provider webhook requests by outcome',
      labelNames: ['provider', 'outcome'],
    });
    this.timeoutChecks = metrics.counter({
      name: 'cloudphone_billing_payment_timeout_checks_total',
      help: 'Stale payments the payment-timeouts job looked at, by outcome',
      labelNames: ['outcome'],
    });
  }
}
