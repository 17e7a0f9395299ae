/**
 * Why a provider call failed, as a caller acts on it: AUTH_FAILED needs an operator (a new key),
 * RATE_LIMITED and UNAVAILABLE a later retry, BAD_RESPONSE a look at what the provider sent (nothing
 * of it is used), DECLINED and REFUSED are the provider's final word on this request, NOT_FOUND and
 * UNEXPECTED_STATE are about the payment, IDEMPOTENCY_CONFLICT says our payment id was used with
 * other parameters, and the WEBHOOK_ codes refuse a webhook request (nothing of it is used).
 */
export type PaymentProviderErrorCode =
  | 'PAYMENT_PROVIDER_AUTH_FAILED'
  | 'PAYMENT_PROVIDER_RATE_LIMITED'
  | 'PAYMENT_PROVIDER_UNAVAILABLE'
  | 'PAYMENT_PROVIDER_BAD_RESPONSE'
  | 'PAYMENT_DECLINED'
  | 'PAYMENT_REQUEST_REFUSED'
  | 'PAYMENT_NOT_FOUND'
  | 'PAYMENT_UNEXPECTED_STATE'
  | 'PAYMENT_IDEMPOTENCY_CONFLICT'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_PAYLOAD_INVALID';

/** A provider call that failed. Messages never carry a key, a secret or a client secret. */
export class PaymentProviderError extends Error {
  constructor(
    readonly code: PaymentProviderErrorCode,
    message: string,
    /** The provider's own code (Stripe's `error.code` or `decline_code`), when it gave one. */
    readonly providerCode?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'PaymentProviderError';
  }

  /** Whether the same call may succeed later (the provider was down, slow or throttling us). */
  get transient(): boolean {
    return this.code === 'PAYMENT_PROVIDER_UNAVAILABLE' || this.code === 'PAYMENT_PROVIDER_RATE_LIMITED';
  }
}
