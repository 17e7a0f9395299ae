import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  PaymentCreateRequest,
  PaymentCreateResponse,
  PaymentResponse,
  SimulatedPaymentOutcome,
} from '@cloudphone/contracts';
import {
  afterCommit,
  assertMayActFor,
  listOwnerFor,
  type ListQuery,
  type Page,
  type Principal,
  TransactionRunner,
  type UserPrincipal,
} from '@cloudphone/shared';
import { BillingServiceConfig } from '../../config/billing-service.config';
import {
  type CreatedProviderPayment,
  PAYMENT_PROVIDER,
  type PaymentProvider,
  PaymentProviderError,
} from '../../integrations/payments';
import { AccountBalanceService } from '../accounts';
import { CouponsService } from '../coupons';
import { PaymentMetrics } from './payment-metrics';
import { paymentReference, type PaymentRecord, toPaymentResponse } from './payment-record';
import { PaymentSettlementService } from './payment-settlement.service';
import { PaymentErrors } from './payments.errors';
import { PaymentsRepository } from './payments.repository';

/** The tenant of a user whose token names none. */
const DEFAULT_TENANT = 'default';

/**
 * Payments into a user's own account. A create first writes the payment (and reserves its
 * coupon) in one short transaction, then asks the provider outside any transaction: the provider's
 * answer, or its settlement later, is applied by PaymentSettlementService.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly payments: PaymentsRepository,
    private readonly balances: AccountBalanceService,
    private readonly coupons: CouponsService,
    private readonly settlement: PaymentSettlementService,
    private readonly metrics: PaymentMetrics,
    private readonly config: BillingServiceConfig,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  async create(principal: Principal, request: PaymentCreateRequest): Promise<PaymentCreateResponse> {
    if (principal.kind !== 'user') throw PaymentErrors.usersOnly();
    const payment = await this.open(principal, request);
    let created: CreatedProviderPayment;
    try {
      created = await this.provider.createIntent({
        paymentId: payment.id,
        userId: payment.userId,
        amountMinor: payment.chargedMinor,
        currency: payment.currency,
      });
    } catch (error) {
      throw await this.abandon(payment, error);
    }
    const current =
      (await this.payments.setProviderPaymentId(payment.id, created.providerPaymentId)) ?? payment;
    this.logger.log({
      msg: 'Payment created',
      paymentId: payment.id,
      userId: payment.userId,
      provider: payment.provider,
      providerPaymentId: created.providerPaymentId,
      amountMinor: payment.amountMinor.toString(),
      chargedMinor: payment.chargedMinor.toString(),
      currency: payment.currency,
      couponCode: payment.couponCode,
    });
    const settled = created.settlement
      ? (await this.settlement.applyEvent(this.provider.kind, created.settlement)).payment
      : null;
    const answer: PaymentCreateResponse = toPaymentResponse(settled ?? current);
    if (created.clientSecret !== null) answer.clientSecret = created.clientSecret;
    return answer;
  }

  async list(principal: Principal, query: ListQuery): Promise<Page<PaymentResponse>> {
    const asked = query.filters.find((filter) => filter.name === 'userId')?.value;
    const owner = listOwnerFor(
      principal,
      asked === undefined ? undefined : String(asked),
      PaymentErrors.actingForOthers,
    );
    const page = await this.payments.list(query, owner);
    return { ...page, items: page.items.map(toPaymentResponse) };
  }

  async get(principal: Principal, id: string): Promise<PaymentResponse> {
    return toPaymentResponse(await this.owned(principal, id));
  }

  /**
   * Settles a simulated payment as told, through the same events and crediting path as a webhook.
   * Refused unless the payment and the configured provider are both the simulated one, so a Stripe
   * deployment can never be paid this way.
   */
  async simulate(
    principal: Principal,
    id: string,
    outcome: SimulatedPaymentOutcome,
  ): Promise<PaymentResponse> {
    const payment = await this.owned(principal, id);
    if (payment.provider !== 'simulated' || this.provider.simulate === undefined) {
      throw PaymentErrors.notSimulated(id, payment.provider);
    }
    if (payment.providerPaymentId === null) throw PaymentErrors.notOpen(id);
    const event = this.provider.simulate(
      {
        providerPaymentId: payment.providerPaymentId,
        state: 'pending',
        amountMinor: payment.chargedMinor,
        currency: payment.currency,
        paymentId: payment.id,
        failureCode: null,
      },
      outcome,
    );
    const { payment: settled } = await this.settlement.applyEvent('simulated', event);
    return toPaymentResponse(settled ?? (await this.owned(principal, id)));
  }

  /** Writes the payment and reserves its coupon, on the locked account (opened in the payment's currency). */
  private open(principal: UserPrincipal, request: PaymentCreateRequest): Promise<PaymentRecord> {
    const id = randomUUID();
    const amountMinor = BigInt(request.amountMinor);
    return this.transactions.run(async () => {
      const account = await this.balances.lockAccount({
        userId: principal.userId,
        tenantId: principal.tenantId ?? DEFAULT_TENANT,
        currency: request.currency ?? this.config.defaultCurrency,
      });
      if (request.currency !== undefined && request.currency !== account.currency) {
        throw PaymentErrors.currencyMismatch(account.currency, request.currency);
      }
      let couponCode: string | null = null;
      let discountMinor = 0n;
      if (request.couponCode !== undefined) {
        couponCode = request.couponCode.toUpperCase();
        const reserved = await this.coupons.reserve({
          code: couponCode,
          userId: principal.userId,
          amountMinor,
          currency: account.currency,
          reference: paymentReference(id),
        });
        discountMinor = BigInt(reserved.discountMinor);
      }
      const chargedMinor = amountMinor - discountMinor;
      // Rolls the reservation back with the rest: a provider takes no payment of nothing.
      if (chargedMinor < 1n) throw PaymentErrors.nothingToCharge(couponCode ?? '');
      const payment = await this.payments.insert({
        id,
        userId: principal.userId,
        tenantId: account.tenantId,
        provider: this.provider.kind,
        amountMinor,
        chargedMinor,
        currency: account.currency,
        couponCode,
      });
      await afterCommit(() => this.metrics.payments.inc({ provider: payment.provider, status: 'pending' }));
      return payment;
    });
  }

  /**
   * The provider would not create the payment, or could not be reached. Either way the payer never
   * got what pays it (a client secret), so nobody can pay it: it is `canceled` now (its coupon
   * released) rather than left open; trying again is a new payment.
   */
  private async abandon(payment: PaymentRecord, error: unknown): Promise<Error> {
    if (!(error instanceof PaymentProviderError)) {
      await this.settlement.end(payment, 'canceled', 'provider_error');
      return error instanceof Error ? error : new Error(String(error));
    }
    await this.settlement.end(payment, 'canceled', error.providerCode ?? error.code.toLowerCase());
    this.logger.warn({
      msg: 'Payment provider did not create the payment',
      paymentId: payment.id,
      provider: payment.provider,
      code: error.code,
      providerCode: error.providerCode,
      reason: error.message,
    });
    if (error.transient) return PaymentErrors.providerUnavailable(error.retryAfterMs);
    if (error.code === 'PAYMENT_PROVIDER_AUTH_FAILED' || error.code === 'PAYMENT_PROVIDER_BAD_RESPONSE') {
      // Our setup or the provider is at fault, not the payer's request.
      this.logger.error({ msg: 'Payment provider misconfigured or misbehaving', code: error.code });
      return PaymentErrors.providerUnavailable();
    }
    return PaymentErrors.providerRefused(error.providerCode);
  }

  private async owned(principal: Principal, id: string): Promise<PaymentRecord> {
    const payment = await this.payments.findById(id);
    if (!payment) throw PaymentErrors.notFound(id);
    assertMayActFor(principal, payment.userId, () => PaymentErrors.notFound(id));
    return payment;
  }
}
