/**
 * Why a vendor call failed, as a caller acts on it: AUTH_FAILED needs an operator (a new key),
 * RATE_LIMITED a wait of `retryAfterMs` when the vendor said, UNAVAILABLE a later retry, and
 * BAD_RESPONSE a look at what the vendor sent (nothing from such an answer is used).
 */
export type ProxyVendorErrorCode =
  'VENDOR_AUTH_FAILED' | 'VENDOR_RATE_LIMITED' | 'VENDOR_UNAVAILABLE' | 'VENDOR_BAD_RESPONSE';

/** A vendor call that failed. Messages never carry the API key or a proxy's credentials. */
export class ProxyVendorError extends Error {
  constructor(
    readonly code: ProxyVendorErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProxyVendorError';
  }
}
