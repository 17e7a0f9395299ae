import { HttpClientError, HttpServerError, HttpTimeoutError } from '@cloudphone/shared';
import { parseStripeEvent, parseStripeIntent, stripeFailure } from './stripe-answers';

const PAYMENT_ID = '0d4c2b1a-9f8e-4d7c-a6b5-4c3d2e1f0a9b';
const context = { target: 'stripe', method: 'POST', route: 'v1/payment_intents', attempts: 1 };

function intent(overrides: Record<string, unknown> = {}) {
  return {
    id: 'pi_123',
    object: 'payment_intent',
    amount: 4500,
    currency: 'usd',
    status: 'requires_payment_method',
    client_secret: 'pi_123_secret_abc',
    metadata: { payment_id: PAYMENT_ID },
    last_payment_error: null,
    ...overrides,
  };
}

function stripeError(status: number, error: Record<string, unknown>) {
  return new HttpClientError(
    { status, code: `HTTP_${status}`, message: 'refused', details: { error } },
    context,
  );
}

describe('Stripe answers', () => {
  it('reads a PaymentIntent: amount, upper-case currency, our payment id, the state', () => {
    expect(parseStripeIntent(intent())).toEqual({
      providerPaymentId: 'pi_123',
      state: 'pending',
      amountMinor: 4500n,
      currency: 'USD',
      paymentId: PAYMENT_ID,
      failureCode: null,
      clientSecret: 'pi_123_secret_abc',
    });
    expect(parseStripeIntent(intent({ status: 'succeeded' })).state).toBe('succeeded');
    expect(parseStripeIntent(intent({ status: 'canceled' })).state).toBe('canceled');
    expect(parseStripeIntent(intent({ status: 'processing' })).state).toBe('pending');
    const declined = parseStripeIntent(
      intent({ last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' } }),
    );
    expect(declined).toMatchObject({ state: 'failed', failureCode: 'insufficient_funds' });
  });

  it.each([
    ['no object', null],
    ['another object', { ...intent(), object: 'charge' }],
    ['a fractional amount', intent({ amount: 1.5 })],
    ['an unknown status', intent({ status: 'exploded' })],
    ['an upper-case currency', intent({ currency: 'USD' })],
  ])('refuses a PaymentIntent with %s', (_case, body) => {
    expect(() => parseStripeIntent(body)).toThrow(
      expect.objectContaining({ code: 'PAYMENT_PROVIDER_BAD_RESPONSE' }),
    );
  });

  it('reads the events we act on, and only records any other', () => {
    const event = (type: string, object: unknown = intent({ status: 'succeeded' })) =>
      Buffer.from(JSON.stringify({ id: 'evt_1', object: 'event', type, data: { object } }));
    expect(parseStripeEvent(event('payment_intent.succeeded'))).toMatchObject({
      eventId: 'evt_1',
      outcome: 'succeeded',
      payment: { providerPaymentId: 'pi_123', paymentId: PAYMENT_ID, amountMinor: 4500n },
    });
    expect(parseStripeEvent(event('payment_intent.payment_failed')).outcome).toBe('failed');
    expect(parseStripeEvent(event('payment_intent.canceled')).outcome).toBe('canceled');
    expect(parseStripeEvent(event('customer.created', { id: 'cus_1' }))).toEqual({
      eventId: 'evt_1',
      type: 'customer.created',
      outcome: null,
      payment: null,
    });
    expect(() => parseStripeEvent(Buffer.from('not json'))).toThrow(
      expect.objectContaining({ code: 'WEBHOOK_PAYLOAD_INVALID' }),
    );
    expect(() => parseStripeEvent(event('payment_intent.succeeded', { id: 'x' }))).toThrow(
      expect.objectContaining({ code: 'WEBHOOK_PAYLOAD_INVALID' }),
    );
  });

  it.each([
    [stripeError(401, { type: 'invalid_request_error' }), 'PAYMENT_PROVIDER_AUTH_FAILED'],
    [stripeError(402, { type: 'card_error', code: 'card_declined' }), 'PAYMENT_DECLINED'],
    [stripeError(404, { type: 'invalid_request_error', code: 'resource_missing' }), 'PAYMENT_NOT_FOUND'],
    [stripeError(409, { type: 'idempotency_error' }), 'PAYMENT_PROVIDER_UNAVAILABLE'],
    [stripeError(429, { type: 'rate_limit_error' }), 'PAYMENT_PROVIDER_RATE_LIMITED'],
    [stripeError(400, { type: 'idempotency_error' }), 'PAYMENT_IDEMPOTENCY_CONFLICT'],
    [
      stripeError(400, { type: 'invalid_request_error', code: 'payment_intent_unexpected_state' }),
      'PAYMENT_UNEXPECTED_STATE',
    ],
    [
      stripeError(400, { type: 'invalid_request_error', code: 'amount_too_small' }),
      'PAYMENT_REQUEST_REFUSED',
    ],
    [
      new HttpServerError({ status: 503, code: 'HTTP_503', message: 'down' }, context),
      'PAYMENT_PROVIDER_UNAVAILABLE',
    ],
    [new HttpTimeoutError('deadline', 10_000, context), 'PAYMENT_PROVIDER_UNAVAILABLE'],
  ])('maps %p to %s', (error, code) => {
    expect(stripeFailure(error, 'create').code).toBe(code);
  });

  it('keeps Stripe’s own code, and never the key, in what it reports', () => {
    const failure = stripeFailure(
      stripeError(402, { type: 'card_error', decline_code: 'insufficient_funds' }),
      'create',
    );
    expect(failure.providerCode).toBe('insufficient_funds');
    expect(failure.message).not.toMatch(/sk_/);
  });
});
