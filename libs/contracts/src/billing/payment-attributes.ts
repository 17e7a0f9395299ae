/** Payment providers billing-service can take money through (PAYMENT_PROVIDER). */
export const PAYMENT_PROVIDERS = ['simulated', 'stripe'] as const;
export type PaymentProviderKind = (typeof PAYMENT_PROVIDERS)[number];

/**
 * Where a payment is: `pending` until the provider settles it; `failed` when an attempt was
 * declined (the payer may still retry it, so it can still succeed); `succeeded` once the money was
 * taken and the account credited; `canceled` by the provider; `expired` when it stayed open past
 * PAYMENT_TIMEOUT_MINUTES and was cancelled at the provider.
 */
export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'canceled', 'expired'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * An amount to pay in: 1 to 99,999,999 minor units as a decimal string without sign or leading
 * zeros (Stripe's own ceiling for a PaymentIntent: 999,999.99 in a two-decimal currency).
 */
export const PAYMENT_AMOUNT_PATTERN = /^[1-9]\d{0,7}$/;

/** Outcomes `POST /billing/payments/:id/simulate` may ask the simulated provider for. */
export const SIMULATED_PAYMENT_OUTCOMES = ['succeeded', 'failed'] as const;
export type SimulatedPaymentOutcome = (typeof SIMULATED_PAYMENT_OUTCOMES)[number];
