import type { HttpClient, HttpClientRegistry } from '@cloudphone/shared';
import type {
  CreatePaymentIntent,
  CreatedProviderPayment,
  PaymentEvent,
  PaymentProvider,
  ProviderPayment,
  WebhookHeaders,
} from './payment-provider';
import { PaymentProviderError } from './payment-provider.error';
import { parseStripeEvent, parseStripeIntent, STRIPE_PAYMENT_ID_KEY, stripeFailure } from './stripe-answers';
import { stripeForm } from './stripe-form';
import { STRIPE_SIGNATURE_TOLERANCE_SECONDS, verifyStripeSignature } from './stripe-signature';

export interface StripePaymentProviderOptions {
  /** https://api.stripe.com, or a stand-in speaking its API (tests). */
  baseUrl: string;
  /** `sk_…` or a restricted `rk_…` key with write access to PaymentIntents. */
  secretKey: string;
  /** The webhook endpoint's signing secret, `whsec_…`. */
  webhookSecret: string;
  /** Deadline of one call, retries included. */
  timeoutMs: number;
  /** Seconds since the epoch (tests pin it). */
  nowSeconds?: () => number;
}

/**
 * The API version the requests ask for, so an account upgraded in Stripe's dashboard does not
 * change the shapes we read (webhook events use the endpoint's own version: docs/payments.md).
 */
export const STRIPE_API_VERSION = '2024-06-20';

const ROUTES = {
  intents: 'v1/payment_intents',
  intent: 'v1/payment_intents/:id',
  cancel: 'v1/payment_intents/:id/cancel',
} as const;

/**
 * Stripe's PaymentIntents (docs.stripe.com/api/payment_intents): created form-encoded with
 * automatic payment methods and our payment id both as the Idempotency-Key and in the metadata;
 * retrieved; cancelled as abandoned. Calls go through the shared HttpClient as an external target
 * (no service token; its breaker and retry budget), so a POST is retried only with its key.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly kind = 'stripe';
  private readonly http: HttpClient;
  private readonly headers: Record<string, string>;
  private readonly nowSeconds: () => number;

  constructor(
    private readonly options: StripePaymentProviderOptions,
    registry: HttpClientRegistry,
  ) {
    this.http = registry.client({
      name: 'stripe',
      baseUrl: options.baseUrl,
      // Stripe may take seconds to create an intent; each attempt may use half the deadline.
      policy: { deadlineMs: options.timeoutMs, attemptTimeoutMs: Math.ceil(options.timeoutMs / 2) },
      external: true,
    });
    this.headers = { authorization: `Bearer ${options.secretKey}`, 'stripe-version': STRIPE_API_VERSION };
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  async createIntent(request: CreatePaymentIntent): Promise<CreatedProviderPayment> {
    const form = stripeForm({
      amount: request.amountMinor,
      currency: request.currency.toLowerCase(),
      automatic_payment_methods: { enabled: true },
      metadata: { [STRIPE_PAYMENT_ID_KEY]: request.paymentId, user_id: request.userId },
    });
    const body = await this.call('create', () =>
      this.http.request({
        method: 'POST',
        route: ROUTES.intents,
        form,
        headers: this.headers,
        idempotencyKey: request.paymentId,
      }),
    );
    const intent = parseStripeIntent(body);
    if (intent.paymentId !== request.paymentId || intent.amountMinor !== request.amountMinor) {
      throw new PaymentProviderError(
        'PAYMENT_PROVIDER_BAD_RESPONSE',
        `Stripe answered the create of payment ${request.paymentId} with another payment or amount`,
      );
    }
    return { ...intent, settlement: null };
  }

  async retrieve(providerPaymentId: string): Promise<ProviderPayment> {
    const body = await this.call('retrieve', () =>
      this.http.request({
        method: 'GET',
        route: ROUTES.intent,
        params: { id: providerPaymentId },
        headers: this.headers,
      }),
    );
    return withoutSecret(parseStripeIntent(body));
  }

  /**
   * Cancels as `abandoned`. Stripe refuses to cancel an intent that succeeded or is already
   * cancelled (`payment_intent_unexpected_state`): then its current state is the answer.
   */
  async cancel(providerPaymentId: string, paymentId: string): Promise<ProviderPayment> {
    try {
      const body = await this.call('cancel', () =>
        this.http.request({
          method: 'POST',
          route: ROUTES.cancel,
          params: { id: providerPaymentId },
          form: stripeForm({ cancellation_reason: 'abandoned' }),
          headers: this.headers,
          idempotencyKey: `cancel-${paymentId}`,
        }),
      );
      return withoutSecret(parseStripeIntent(body));
    } catch (error) {
      if (error instanceof PaymentProviderError && error.code === 'PAYMENT_UNEXPECTED_STATE') {
        return this.retrieve(providerPaymentId);
      }
      throw error;
    }
  }

  verifyWebhook(rawBody: Buffer, headers: WebhookHeaders): PaymentEvent {
    verifyStripeSignature(
      rawBody,
      headers['stripe-signature'],
      this.options.webhookSecret,
      this.nowSeconds(),
      STRIPE_SIGNATURE_TOLERANCE_SECONDS,
    );
    return parseStripeEvent(rawBody);
  }

  private async call<T>(action: string, send: () => Promise<{ body: T }>): Promise<T> {
    try {
      return (await send()).body;
    } catch (error) {
      throw stripeFailure(error, action);
    }
  }
}

function withoutSecret(intent: ProviderPayment & { clientSecret: string | null }): ProviderPayment {
  const { clientSecret: _clientSecret, ...payment } = intent;
  return payment;
}
