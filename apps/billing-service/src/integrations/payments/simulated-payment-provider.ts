import type { SimulatedPaymentOutcome } from '@cloudphone/contracts';
import type {
  CreatePaymentIntent,
  CreatedProviderPayment,
  PaymentEvent,
  PaymentProvider,
  ProviderPayment,
  ProviderPaymentState,
} from './payment-provider';
import { PaymentProviderError } from './payment-provider.error';

export interface SimulatedPaymentProviderOptions {
  /** Every new payment succeeds at once (its settlement event comes back with the create). */
  autoComplete: boolean;
}

const PREFIX = 'sim_';

/**
 * A stand-in provider for development and tests, deterministic: a payment's provider id and its
 * events' ids derive from our payment id, so a repeated create or outcome is the same one again
 * (a replay, answered as a duplicate). Nothing is charged; a payment settles when told
 * (`simulate`, behind `POST /billing/payments/:id/simulate`) or at once with `autoComplete`, through
 * the same events, and so the same crediting path, as a real provider's webhook. What it was told
 * is kept in this process only: after a restart an unsettled payment reads as pending again.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  readonly kind = 'simulated';
  private readonly states = new Map<string, ProviderPaymentState>();
  private readonly payments = new Map<string, ProviderPayment>();

  constructor(private readonly options: SimulatedPaymentProviderOptions) {}

  async createIntent(request: CreatePaymentIntent): Promise<CreatedProviderPayment> {
    const payment: ProviderPayment = {
      providerPaymentId: `${PREFIX}${request.paymentId}`,
      state: 'pending',
      amountMinor: request.amountMinor,
      currency: request.currency,
      paymentId: request.paymentId,
      failureCode: null,
    };
    this.payments.set(payment.providerPaymentId, payment);
    const settlement = this.options.autoComplete ? this.simulate(payment, 'succeeded') : null;
    return { ...payment, clientSecret: null, settlement };
  }

  async retrieve(providerPaymentId: string): Promise<ProviderPayment> {
    return this.current(providerPaymentId);
  }

  /** Cancels an open payment; one told to succeed stays succeeded (as at a real provider). */
  async cancel(providerPaymentId: string): Promise<ProviderPayment> {
    const payment = this.current(providerPaymentId);
    if (payment.state !== 'succeeded') this.states.set(providerPaymentId, 'canceled');
    return this.current(providerPaymentId);
  }

  verifyWebhook(): PaymentEvent {
    throw new PaymentProviderError('WEBHOOK_SIGNATURE_INVALID', 'The simulated provider sends no webhooks');
  }

  /** Settles `payment` as told: the event a real provider would have sent. */
  simulate(payment: ProviderPayment, outcome: SimulatedPaymentOutcome): PaymentEvent {
    const { providerPaymentId } = payment;
    if (!providerPaymentId.startsWith(PREFIX)) {
      throw new PaymentProviderError('PAYMENT_NOT_FOUND', `${providerPaymentId} is no simulated payment`);
    }
    this.payments.set(providerPaymentId, payment);
    this.states.set(providerPaymentId, outcome);
    const failureCode = outcome === 'failed' ? 'simulated_decline' : null;
    return {
      eventId: `sim_evt_${providerPaymentId.slice(PREFIX.length)}_${outcome}`,
      type: `simulated.${outcome}`,
      outcome,
      payment: { ...payment, state: outcome, failureCode },
    };
  }

  private current(providerPaymentId: string): ProviderPayment {
    if (!providerPaymentId.startsWith(PREFIX)) {
      throw new PaymentProviderError('PAYMENT_NOT_FOUND', `${providerPaymentId} is no simulated payment`);
    }
    const known = this.payments.get(providerPaymentId);
    const state = this.states.get(providerPaymentId) ?? 'pending';
    const paymentId = providerPaymentId.slice(PREFIX.length);
    // Unknown here (created by another replica, or before a restart): pending, amounts unknown (0).
    return known
      ? { ...known, state }
      : { providerPaymentId, state, amountMinor: 0n, currency: '', paymentId, failureCode: null };
  }
}
