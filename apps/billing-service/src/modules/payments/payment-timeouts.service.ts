import { Inject, Injectable, Logger } from '@nestjs/common';
import { BillingServiceConfig } from '../../config/billing-service.config';
import {
  PAYMENT_PROVIDER,
  type PaymentProvider,
  PaymentProviderError,
  type ProviderPayment,
} from '../../integrations/payments';
import { PaymentMetrics } from './payment-metrics';
import type { PaymentRecord } from './payment-record';
import { PaymentSettlementService } from './payment-settlement.service';
import { PaymentsRepository } from './payments.repository';

/** What the payment-timeouts job did with one stale payment. */
export type TimeoutOutcome = 'credited' | 'canceled' | 'expired' | 'unchanged' | 'error';

/**
 * Payments left open past PAYMENT_TIMEOUT_MINUTES (the payer went away, or a webhook never came):
 * the provider is asked where each stands. One it took the money for meanwhile is credited (the
 * same path as its webhook); any other is cancelled at the provider and `expired` — unless the
 * cancel finds it paid after all, which is then credited instead.
 */
@Injectable()
export class PaymentTimeoutsService {
  private readonly logger = new Logger(PaymentTimeoutsService.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly settlement: PaymentSettlementService,
    private readonly metrics: PaymentMetrics,
    private readonly config: BillingServiceConfig,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  /**
   * Handles up to `limit` stale payments of the configured provider, one after another (a provider
   * call each; one failing leaves the others to be handled). Payments of another provider (before
   * PAYMENT_PROVIDER changed) wait for it to be configured again.
   */
  async expireStale(limit: number, signal?: AbortSignal): Promise<Record<TimeoutOutcome, number>> {
    const counts: Record<TimeoutOutcome, number> = {
      credited: 0,
      canceled: 0,
      expired: 0,
      unchanged: 0,
      error: 0,
    };
    const stale = await this.payments.findStale(this.provider.kind, this.config.paymentTimeoutMinutes, limit);
    for (const payment of stale) {
      if (signal?.aborted) break;
      const outcome = await this.handle(payment);
      counts[outcome] += 1;
      this.metrics.timeoutChecks.inc({ outcome });
    }
    if (stale.length > 0) this.logger.log({ msg: 'Stale payments handled', ...counts });
    return counts;
  }

  private async handle(payment: PaymentRecord): Promise<TimeoutOutcome> {
    try {
      const current = await this.ask(payment);
      if (current.state === 'succeeded' || current.state === 'canceled') {
        return this.outcomeOf(await this.settlement.reconcile(payment, current), current.state);
      }
      const after = await this.provider.cancel(current.providerPaymentId, payment.id);
      if (after.state === 'succeeded') {
        return this.outcomeOf(await this.settlement.reconcile(payment, after), 'succeeded');
      }
      const expired = await this.settlement.end(payment, 'expired', after.failureCode ?? payment.failureCode);
      return expired ? 'expired' : 'unchanged';
    } catch (error) {
      this.logger.warn({
        msg: 'Stale payment not handled; tried again next run',
        paymentId: payment.id,
        provider: payment.provider,
        code: error instanceof PaymentProviderError ? error.code : undefined,
        reason: error instanceof Error ? error.message : String(error),
      });
      return 'error';
    }
  }

  /**
   * Where the payment stands at the provider. One whose create answer was lost has no provider id
   * yet: the create is repeated with the same idempotency key, which answers the same payment.
   */
  private async ask(payment: PaymentRecord): Promise<ProviderPayment> {
    let providerPaymentId = payment.providerPaymentId;
    if (providerPaymentId === null) {
      const created = await this.provider.createIntent({
        paymentId: payment.id,
        userId: payment.userId,
        amountMinor: payment.chargedMinor,
        currency: payment.currency,
      });
      providerPaymentId = created.providerPaymentId;
      await this.payments.setProviderPaymentId(payment.id, providerPaymentId);
    }
    return this.provider.retrieve(providerPaymentId);
  }

  private outcomeOf(settled: PaymentRecord | null, state: 'succeeded' | 'canceled'): TimeoutOutcome {
    if (settled === null) return 'unchanged';
    return state === 'succeeded' ? 'credited' : 'canceled';
  }
}
