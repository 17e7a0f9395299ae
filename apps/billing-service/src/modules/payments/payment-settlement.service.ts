import { Injectable, Logger } from '@nestjs/common';
import type { PaymentProviderKind, PaymentStatus } from '@cloudphone/contracts';
import { afterCommit, TransactionRunner } from '@cloudphone/shared';
import type { PaymentEvent, ProviderPayment } from '../../integrations/payments';
import { AccountBalanceService } from '../accounts';
import { CouponsService } from '../coupons';
import { PaymentEventsPublisher } from './payment-events.publisher';
import { PaymentMetrics } from './payment-metrics';
import { paymentReference, type PaymentRecord } from './payment-record';
import { PaymentErrors } from './payments.errors';
import { PaymentsRepository } from './payments.repository';

/** What acting on a provider event came to. */
export interface EventSettlement {
  /** The event id was acted on before: nothing changed now. */
  duplicate: boolean;
  /** The payment it is about, as it stands now; null when it is none of ours. */
  payment: PaymentRecord | null;
}

/** A payment that did not go through ends in one of these. */
type EndStatus = 'canceled' | 'expired';

/**
 * The one crediting path. Webhooks, the simulated provider, the create (a provider that settles at
 * once) and the payment-timeouts job all settle payments here, each inside one transaction: the
 * status moves by a conditional update on the locked payment row, and only the move to `succeeded`
 * credits the account — a `top_up` ledger entry with reference `payment:<id>`, unique like every
 * top-up reference — so a payment is credited exactly once however often and however concurrently
 * it is reported. A provider event is first recorded by id, so a replay changes nothing at all.
 */
@Injectable()
export class PaymentSettlementService {
  private readonly logger = new Logger(PaymentSettlementService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly payments: PaymentsRepository,
    private readonly balances: AccountBalanceService,
    private readonly coupons: CouponsService,
    private readonly events: PaymentEventsPublisher,
    private readonly metrics: PaymentMetrics,
  ) {}

  /** Acts on a verified provider event exactly once per event id. */
  async applyEvent(provider: PaymentProviderKind, event: PaymentEvent): Promise<EventSettlement> {
    return this.transactions.run(async () => {
      const payment = event.payment ? await this.target(provider, event.payment) : null;
      const fresh = await this.payments.recordWebhookEvent(
        provider,
        event.eventId,
        event.type,
        payment?.id ?? null,
      );
      // A duplicate waited for the first to commit: read the payment as that one left it.
      if (!fresh) return { duplicate: true, payment: payment && (await this.payments.findById(payment.id)) };
      if (event.outcome === null || event.payment === null) return { duplicate: false, payment };
      if (payment === null) {
        this.logger.warn({
          msg: 'Payment event about no payment of ours',
          provider,
          eventId: event.eventId,
          providerPaymentId: event.payment.providerPaymentId,
        });
        return { duplicate: false, payment: null };
      }
      // The event's type is the provider's word on what happened (its object's status says the same).
      const settled = await this.settle(payment, { ...event.payment, state: event.outcome });
      return { duplicate: false, payment: settled ?? payment };
    });
  }

  /**
   * Brings a payment to where its provider says it stands (the timeouts job, after asking it):
   * credited when it succeeded, failed, or ended as `canceled`. Null when nothing moved.
   */
  reconcile(payment: PaymentRecord, observed: ProviderPayment): Promise<PaymentRecord | null> {
    return this.transactions.run(() => this.settle(payment, observed));
  }

  /** Ends an open payment that did not go through (`expired` by the job, `canceled` when its create failed). */
  end(payment: PaymentRecord, status: EndStatus, failureCode: string | null): Promise<PaymentRecord | null> {
    return this.transactions.run(() => this.endOpen(payment, status, failureCode));
  }

  /** The payment an event is about: by the provider's id, else by our id kept in its metadata. */
  private async target(
    provider: PaymentProviderKind,
    observed: ProviderPayment,
  ): Promise<PaymentRecord | null> {
    const known = await this.payments.findByProviderPaymentId(provider, observed.providerPaymentId);
    if (known || observed.paymentId === null) return known;
    const payment = await this.payments.findById(observed.paymentId);
    if (!payment || payment.provider !== provider) return null;
    if (payment.providerPaymentId === null) {
      // The create's answer was lost, but the provider created it: now we know its id.
      return (await this.payments.setProviderPaymentId(payment.id, observed.providerPaymentId)) ?? payment;
    }
    return payment.providerPaymentId === observed.providerPaymentId ? payment : null;
  }

  private async settle(payment: PaymentRecord, observed: ProviderPayment): Promise<PaymentRecord | null> {
    switch (observed.state) {
      case 'succeeded':
        return this.credit(payment, observed);
      case 'failed':
        return this.fail(payment, observed.failureCode);
      case 'canceled':
        return this.endOpen(payment, 'canceled', observed.failureCode);
      case 'pending':
        return null;
    }
  }

  /**
   * Credits the payment's full amount once. Any status but `succeeded` may move there: the provider
   * took the money, so even a payment we had given up on (a cancel that lost the race) is credited.
   */
  private async credit(payment: PaymentRecord, observed: ProviderPayment): Promise<PaymentRecord | null> {
    if (observed.amountMinor !== payment.chargedMinor || observed.currency !== payment.currency) {
      this.logger.error({
        msg: 'Payment provider reports another amount or currency than we charged: not credited',
        paymentId: payment.id,
        providerPaymentId: observed.providerPaymentId,
        chargedMinor: payment.chargedMinor.toString(),
        currency: payment.currency,
        reportedMinor: observed.amountMinor.toString(),
        reportedCurrency: observed.currency,
      });
      await afterCommit(() => this.metrics.webhooks.inc({ provider: payment.provider, outcome: 'mismatch' }));
      return null;
    }
    const moved = await this.payments.transition(
      payment.id,
      'succeeded',
      ['pending', 'failed', 'canceled', 'expired'],
      null,
    );
    if (!moved) return null;
    const settled = moved.payment;
    const account = await this.balances.lockAccount({
      userId: settled.userId,
      tenantId: settled.tenantId,
      currency: settled.currency,
    });
    // The create opened the account in the payment's currency; billing converts nothing.
    if (account.currency !== settled.currency)
      throw PaymentErrors.currencyMismatch(account.currency, settled.currency);
    const reference = paymentReference(settled.id);
    const applied = await this.balances.apply(account, {
      kind: 'top_up',
      amountMinor: settled.amountMinor,
      reference,
      createdBy: `payments:${settled.provider}`,
    });
    // Null only if the ledger already holds this reference, i.e. the credit happened already.
    const balanceMinor = applied?.balanceMinor ?? account.balanceMinor;
    // A release (expired) is taken back by a confirm: the coupon was used after all.
    if (settled.couponCode !== null) await this.coupons.confirm(reference);
    await this.events.succeeded(settled, balanceMinor);
    if (moved.previousStatus === 'canceled' || moved.previousStatus === 'expired') {
      this.logger.error({
        msg: 'Payment provider reports a payment we had given up on as paid: credited',
        paymentId: settled.id,
        previousStatus: moved.previousStatus,
      });
    }
    this.logger.log({
      msg: 'Payment succeeded; account credited',
      paymentId: settled.id,
      userId: settled.userId,
      provider: settled.provider,
      amountMinor: settled.amountMinor.toString(),
      chargedMinor: settled.chargedMinor.toString(),
      currency: settled.currency,
      balanceMinor: balanceMinor.toString(),
    });
    await afterCommit(() => {
      this.metrics.payments.inc({ provider: settled.provider, status: 'succeeded' });
      this.metrics.creditedMinor.inc({ currency: settled.currency }, Number(settled.amountMinor));
    });
    return settled;
  }

  /** A declined attempt: `failed`, but its coupon stays reserved, since the payer may still retry. */
  private async fail(payment: PaymentRecord, failureCode: string | null): Promise<PaymentRecord | null> {
    const moved = await this.payments.transition(
      payment.id,
      'failed',
      ['pending'],
      failureCode ?? 'payment_failed',
    );
    if (!moved) return null;
    await this.announceEnd(moved.payment, 'failed');
    return moved.payment;
  }

  private async endOpen(
    payment: PaymentRecord,
    status: EndStatus,
    failureCode: string | null,
  ): Promise<PaymentRecord | null> {
    const moved = await this.payments.transition(payment.id, status, ['pending', 'failed'], failureCode);
    if (!moved) return null;
    if (moved.payment.couponCode !== null) await this.coupons.release(paymentReference(moved.payment.id));
    await this.announceEnd(moved.payment, status);
    return moved.payment;
  }

  private async announceEnd(payment: PaymentRecord, status: Exclude<PaymentStatus, 'pending' | 'succeeded'>) {
    await this.events.failed({ ...payment, status });
    this.logger.log({
      msg: `Payment ${status}`,
      paymentId: payment.id,
      userId: payment.userId,
      provider: payment.provider,
      failureCode: payment.failureCode,
    });
    await afterCommit(() => this.metrics.payments.inc({ provider: payment.provider, status }));
  }
}
