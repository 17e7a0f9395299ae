import type { PaymentProviderKind, SimulatedPaymentOutcome } from '@cloudphone/contracts';

/**
 * Where a payment stands at its provider, in our words: `failed` is a declined attempt the payer may
 * still retry (Stripe keeps the PaymentIntent open), `canceled` is final, `succeeded` means the money
 * was taken.
 */
export type ProviderPaymentState = 'pending' | 'succeeded' | 'failed' | 'canceled';

/** A payment as its provider reports it. */
export interface ProviderPayment {
  /** The provider's id (a Stripe PaymentIntent `pi_…`). */
  providerPaymentId: string;
  state: ProviderPaymentState;
  /** What the payer is charged, in minor units. */
  amountMinor: bigint;
  /** ISO 4217, upper case. */
  currency: string;
  /** Our payment id, as the provider keeps it for us (metadata); null when it has none. */
  paymentId: string | null;
  /** The provider's reason of the last failed attempt (a decline code), or null. */
  failureCode: string | null;
}

/** What a provider settles a payment with: one event, identified for replay protection. */
export interface PaymentEvent {
  /** Unique per provider: a replayed or resent event carries the same id. */
  eventId: string;
  /** The provider's own name of the event (stored with its id), e.g. `payment_intent.succeeded`. */
  type: string;
  /** What the event means for the payment; null for an event we do not act on. */
  outcome: ProviderPaymentState | null;
  /** The payment it is about; null for an event about something else. */
  payment: ProviderPayment | null;
}

/** A payment created at the provider. */
export interface CreatedProviderPayment extends ProviderPayment {
  /** What the payer's client needs to pay (Stripe's client secret); never stored. */
  clientSecret: string | null;
  /** Set when the provider settled the payment at once (the simulated provider's auto-complete). */
  settlement: PaymentEvent | null;
}

export interface CreatePaymentIntent {
  /** Our payment id: the idempotency key of the create, and kept in the provider's metadata. */
  paymentId: string;
  userId: string;
  /** What the payer is charged, in minor units (at least 1). */
  amountMinor: bigint;
  /** ISO 4217, upper case. */
  currency: string;
}

/** Request headers as Node gives them (names in lower case). */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * A payment provider's account. Calls throw PaymentProviderError with a stable code, so a caller
 * can tell a refusal from an outage. Every call is safe to repeat: a create is idempotent by our
 * payment id, and retrieving or cancelling twice changes nothing more.
 */
export interface PaymentProvider {
  readonly kind: PaymentProviderKind;
  createIntent(request: CreatePaymentIntent): Promise<CreatedProviderPayment>;
  retrieve(providerPaymentId: string): Promise<ProviderPayment>;
  /**
   * Cancels an open payment and answers where it stands after: `canceled`, or `succeeded` when it
   * was paid before the cancel arrived (the caller must then credit it, not expire it).
   */
  cancel(providerPaymentId: string, paymentId: string): Promise<ProviderPayment>;
  /** The event a webhook request carries, once its signature is proven; throws otherwise. */
  verifyWebhook(rawBody: Buffer, headers: WebhookHeaders): PaymentEvent;
  /** Simulated provider only: settle a payment as told (a development stand-in for paying). */
  simulate?(payment: ProviderPayment, outcome: SimulatedPaymentOutcome): PaymentEvent;
}

/** Injection token of the configured PaymentProvider. */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
