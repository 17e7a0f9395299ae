import { HttpClientError, HttpRequestError } from '@cloudphone/shared';
import type { PaymentEvent, ProviderPayment, ProviderPaymentState } from './payment-provider';
import { PaymentProviderError } from './payment-provider.error';

/** The metadata key our payment id is kept under at Stripe. */
export const STRIPE_PAYMENT_ID_KEY = 'payment_id';

const INTENT_ID = /^pi_[A-Za-z0-9_]{1,250}$/;
const EVENT_ID = /^evt_[A-Za-z0-9_]{1,250}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CURRENCY = /^[a-z]{3}$/;
const CODE = /^[a-z0-9_]{1,100}$/;

/** The webhook events we act on, and what each means for the payment. */
const EVENT_OUTCOMES: Readonly<Record<string, ProviderPaymentState>> = {
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.payment_failed': 'failed',
  'payment_intent.canceled': 'canceled',
};

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(message: string): PaymentProviderError {
  return new PaymentProviderError('PAYMENT_PROVIDER_BAD_RESPONSE', message);
}

/**
 * A PaymentIntent as our ProviderPayment. Stripe's statuses: `requires_payment_method` is open — and
 * `failed` when it carries the last attempt's error —, `requires_confirmation`, `requires_action`,
 * `processing` and `requires_capture` are open, `succeeded` and `canceled` final.
 */
export function parseStripeIntent(body: unknown): ProviderPayment & { clientSecret: string | null } {
  if (!isRecord(body) || body.object !== 'payment_intent') throw bad('Stripe answered no PaymentIntent');
  const { id, amount, currency, status } = body;
  if (typeof id !== 'string' || !INTENT_ID.test(id))
    throw bad('Stripe answered a PaymentIntent without an id');
  if (!Number.isSafeInteger(amount) || (amount as number) < 0) throw bad(`PaymentIntent ${id} has no amount`);
  if (typeof currency !== 'string' || !CURRENCY.test(currency))
    throw bad(`PaymentIntent ${id} has no currency`);
  const lastError = isRecord(body.last_payment_error) ? body.last_payment_error : null;
  const failureCode = lastError
    ? (codeOf(lastError.decline_code) ?? codeOf(lastError.code) ?? 'payment_failed')
    : null;
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const paymentId = metadata[STRIPE_PAYMENT_ID_KEY];
  return {
    providerPaymentId: id,
    state: stateOf(id, status, lastError !== null),
    amountMinor: BigInt(amount as number),
    currency: currency.toUpperCase(),
    paymentId: typeof paymentId === 'string' && UUID.test(paymentId) ? paymentId : null,
    failureCode,
    clientSecret: typeof body.client_secret === 'string' ? body.client_secret : null,
  };
}

function stateOf(id: string, status: unknown, hasError: boolean): ProviderPaymentState {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'canceled';
    case 'requires_payment_method':
      return hasError ? 'failed' : 'pending';
    case 'requires_confirmation':
    case 'requires_action':
    case 'processing':
    case 'requires_capture':
      return 'pending';
    default:
      throw bad(`PaymentIntent ${id} has an unknown status`);
  }
}

function codeOf(value: unknown): string | null {
  return typeof value === 'string' && CODE.test(value) ? value : null;
}

/**
 * A verified webhook body as a PaymentEvent: the PaymentIntent events we act on carry the intent as
 * it was when the event happened; any other event is recorded as having nothing for us.
 */
export function parseStripeEvent(rawBody: Buffer): PaymentEvent {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new PaymentProviderError('WEBHOOK_PAYLOAD_INVALID', 'The webhook body is not JSON');
  }
  if (!isRecord(body) || body.object !== 'event') {
    throw new PaymentProviderError('WEBHOOK_PAYLOAD_INVALID', 'The webhook body is no Stripe event');
  }
  const { id, type } = body;
  if (
    typeof id !== 'string' ||
    !EVENT_ID.test(id) ||
    typeof type !== 'string' ||
    !/^[a-z0-9_.]{1,100}$/.test(type)
  ) {
    throw new PaymentProviderError('WEBHOOK_PAYLOAD_INVALID', 'The webhook event has no id or type');
  }
  const outcome = EVENT_OUTCOMES[type] ?? null;
  if (outcome === null) return { eventId: id, type, outcome: null, payment: null };
  const object = isRecord(body.data) ? body.data.object : undefined;
  try {
    const { clientSecret: _clientSecret, ...payment } = parseStripeIntent(object);
    // The event's name is the word on what happened; the intent's status says the same.
    return { eventId: id, type, outcome, payment };
  } catch (error) {
    if (!(error instanceof PaymentProviderError)) throw error;
    throw new PaymentProviderError('WEBHOOK_PAYLOAD_INVALID', `Event ${id}: ${error.message}`);
  }
}

/**
 * An HttpClient failure as a PaymentProviderError. Stripe's errors are `{error: {type, code,
 * decline_code, message}}` (HttpClientError keeps the body as `details`): 401/403 a bad key, 402 a
 * declined card, 404 an unknown object, 409 a concurrent request with our key, 429 throttling, a 400
 * `idempotency_error` our key reused with other parameters, `payment_intent_unexpected_state` an
 * action the intent's state rules out; other 4xx refuse the request, the rest is an outage.
 */
export function stripeFailure(error: unknown, action: string): PaymentProviderError {
  if (!(error instanceof HttpRequestError)) {
    return new PaymentProviderError('PAYMENT_PROVIDER_BAD_RESPONSE', `Stripe ${action}: ${String(error)}`);
  }
  if (!(error instanceof HttpClientError)) {
    return new PaymentProviderError(
      'PAYMENT_PROVIDER_UNAVAILABLE',
      `Stripe ${action}: ${error.outcome}`,
      undefined,
      error.retryAfterMs,
    );
  }
  const details = isRecord(error.details) && isRecord(error.details.error) ? error.details.error : {};
  const providerCode = codeOf(details.decline_code) ?? codeOf(details.code) ?? undefined;
  const message = `Stripe ${action}: ${error.status}${providerCode ? ` ${providerCode}` : ''}`;
  if (error.status === 401 || error.status === 403) {
    return new PaymentProviderError('PAYMENT_PROVIDER_AUTH_FAILED', `${message} (check STRIPE_SECRET_KEY)`);
  }
  if (error.status === 429) {
    return new PaymentProviderError(
      'PAYMENT_PROVIDER_RATE_LIMITED',
      message,
      providerCode,
      error.retryAfterMs,
    );
  }
  if (error.status === 409)
    return new PaymentProviderError('PAYMENT_PROVIDER_UNAVAILABLE', message, providerCode);
  if (error.status === 402) return new PaymentProviderError('PAYMENT_DECLINED', message, providerCode);
  if (error.status === 404) return new PaymentProviderError('PAYMENT_NOT_FOUND', message, providerCode);
  if (details.type === 'idempotency_error') {
    return new PaymentProviderError('PAYMENT_IDEMPOTENCY_CONFLICT', message, providerCode);
  }
  if (providerCode === 'payment_intent_unexpected_state') {
    return new PaymentProviderError('PAYMENT_UNEXPECTED_STATE', message, providerCode);
  }
  return new PaymentProviderError('PAYMENT_REQUEST_REFUSED', message, providerCode);
}
