/**
 * Why a vendor call failed, as a caller acts on it: AUTH_FAILED and BALANCE_LOW need an operator (a
 * new key, a top-up), RATE_LIMITED a wait of `retryAfterMs` when the vendor said, UNAVAILABLE a later
 * retry, BAD_RESPONSE a look at what the vendor sent (nothing from such an answer is used),
 * NO_NUMBERS another country or vendor, ACTIVATION_NOT_FOUND giving up on that activation, and
 * UNSUPPORTED a request this vendor cannot serve (a country, a service, or an action the
 * activation's state rules out).
 */
export type SmsVendorErrorCode =
  | 'VENDOR_AUTH_FAILED'
  | 'VENDOR_RATE_LIMITED'
  | 'VENDOR_UNAVAILABLE'
  | 'VENDOR_BAD_RESPONSE'
  | 'NO_NUMBERS'
  | 'VENDOR_BALANCE_LOW'
  | 'ACTIVATION_NOT_FOUND'
  | 'UNSUPPORTED';

/** A vendor call that failed. Messages never carry the API key. */
export class SmsVendorError extends Error {
  constructor(
    readonly code: SmsVendorErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SmsVendorError';
  }
}
