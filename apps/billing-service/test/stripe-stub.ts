import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trackedHttpServer, type TrackedHttpServer } from '@cloudphone/shared/testing';
import { stripeSignatureHeader } from '../src/integrations/payments';

/** A PaymentIntent as the stub keeps it (Stripe's shape, the fields billing reads). */
export interface StubIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
  last_payment_error: { code: string; decline_code?: string } | null;
  cancellation_reason: string | null;
}

/** One request the stub received. */
export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form: Record<string, string>;
}

interface Stored {
  params: string;
  path: string;
  status: number;
  body: unknown;
}

/**
 * A local HTTP server speaking the subset of Stripe's API billing uses: PaymentIntents created
 * (form-encoded, `Authorization: Bearer <key>`, at least 50 minor units), retrieved and cancelled,
 * an Idempotency-Key replaying its first answer (another request under the same key is a 400
 * idempotency_error), Stripe's error bodies. It also plays Stripe's side of webhooks: settles an
 * intent and posts the signed event to billing.
 */
export class StripeStub {
  readonly intents = new Map<string, StubIntent>();
  readonly requests: StubRequest[] = [];
  private readonly idempotent = new Map<string, Stored>();
  private failures: number[] = [];
  private readonly paidOnCancel = new Set<string>();

  private constructor(
    private readonly server: TrackedHttpServer,
    readonly secretKey: string,
    readonly webhookSecret: string,
  ) {
    server.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void this.serve(request, response);
    });
  }

  static async start(): Promise<StripeStub> {
    const suffix = randomBytes(8).toString('hex');
    return new StripeStub(await trackedHttpServer(), `sk_test_stub${suffix}`, `whsec_stub${suffix}`);
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  /** The env billing-service needs to use this stub. */
  env(): Record<string, string> {
    return {
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: this.secretKey,
      STRIPE_WEBHOOK_SECRET: this.webhookSecret,
      STRIPE_API_BASE_URL: this.baseUrl,
    };
  }

  /** The next calls answer these statuses (a Stripe outage) instead of doing anything. */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  /** The payer pays this intent just before a cancel reaches it (the cancel then finds it succeeded). */
  payOnCancel(intentId: string): void {
    this.paidOnCancel.add(intentId);
  }

  /** The payer paid: the intent succeeds. Returns the `payment_intent.succeeded` event. */
  succeed(intentId: string): Record<string, unknown> {
    const intent = this.intent(intentId);
    intent.status = 'succeeded';
    intent.last_payment_error = null;
    return this.event('payment_intent.succeeded', intent);
  }

  /** An attempt was declined: the intent is open again with its error. */
  decline(intentId: string, declineCode = 'insufficient_funds'): Record<string, unknown> {
    const intent = this.intent(intentId);
    intent.status = 'requires_payment_method';
    intent.last_payment_error = { code: 'card_declined', decline_code: declineCode };
    return this.event('payment_intent.payment_failed', intent);
  }

  event(type: string, intent: StubIntent): Record<string, unknown> {
    return {
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2024-06-20',
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      data: { object: structuredClone(intent) },
    };
  }

  /**
   * Posts `event` to billing's webhook as Stripe would: the JSON bytes, signed now (or at
   * `timestamp`) with the endpoint secret (or `secret`); `tamper` changes the bytes after signing.
   */
  async deliver(
    url: string,
    event: unknown,
    options: {
      timestamp?: number;
      secret?: string;
      tamper?: (body: string) => string;
      signature?: string;
    } = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const body = JSON.stringify(event);
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const signature =
      options.signature ??
      stripeSignatureHeader(Buffer.from(body), options.secret ?? this.webhookSecret, timestamp);
    const sent = options.tamper ? options.tamper(body) : body;
    const response = await fetch(`${url}/billing/payments/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: sent,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private intent(id: string): StubIntent {
    const intent = this.intents.get(id);
    if (!intent) throw new Error(`The stub has no intent ${id}`);
    return intent;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(request.url ?? '/', 'http://stub').pathname;
    const method = request.method ?? 'GET';
    const form = Object.fromEntries(new URLSearchParams(text));
    this.requests.push({ method, path, headers: request.headers, form });
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const failure = this.failures.shift();
    if (failure !== undefined) return answer(failure, stripeError('api_error', 'stub outage'));
    if (request.headers.authorization !== `Bearer ${this.secretKey}`) {
      return answer(401, stripeError('invalid_request_error', 'Invalid API Key provided'));
    }
    if (method === 'POST' && request.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      return answer(400, stripeError('invalid_request_error', 'Expected a form-encoded body'));
    }
    const key = request.headers['idempotency-key'];
    if (method === 'POST' && typeof key === 'string') {
      const stored = this.idempotent.get(key);
      if (stored) {
        if (stored.params !== text || stored.path !== path) {
          return answer(
            400,
            stripeError(
              'idempotency_error',
              'Keys for idempotent requests can only be used with the same parameters',
            ),
          );
        }
        return answer(stored.status, stored.body);
      }
    }
    const [status, body] = this.route(method, path, form);
    if (method === 'POST' && typeof key === 'string')
      this.idempotent.set(key, { params: text, path, status, body });
    answer(status, body);
  }

  private route(method: string, path: string, form: Record<string, string>): [number, unknown] {
    const cancel = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path);
    const one = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === 'POST' && path === '/v1/payment_intents') return this.create(form);
    if (method === 'GET' && one) {
      const intent = this.intents.get(one[1]);
      return intent
        ? [200, intent]
        : [404, stripeError('invalid_request_error', 'No such payment_intent', 'resource_missing')];
    }
    if (method === 'POST' && cancel) {
      const intent = this.intents.get(cancel[1]);
      if (!intent)
        return [404, stripeError('invalid_request_error', 'No such payment_intent', 'resource_missing')];
      if (this.paidOnCancel.delete(intent.id)) intent.status = 'succeeded';
      if (intent.status === 'succeeded' || intent.status === 'canceled') {
        return [
          400,
          stripeError('invalid_request_error', `It is ${intent.status}`, 'payment_intent_unexpected_state'),
        ];
      }
      intent.status = 'canceled';
      intent.cancellation_reason = form.cancellation_reason ?? null;
      return [200, intent];
    }
    return [404, stripeError('invalid_request_error', `Unrecognized request URL (${method}: ${path})`)];
  }

  private create(form: Record<string, string>): [number, unknown] {
    const amount = Number(form.amount);
    if (!/^\d+$/.test(form.amount ?? '') || !/^[a-z]{3}$/.test(form.currency ?? '')) {
      return [400, stripeError('invalid_request_error', 'Missing amount or currency', 'parameter_missing')];
    }
    if (amount < 50)
      return [400, stripeError('invalid_request_error', 'Amount too small', 'amount_too_small')];
    if (form['automatic_payment_methods[enabled]'] !== 'true') {
      return [400, stripeError('invalid_request_error', 'Expected automatic payment methods')];
    }
    const metadata = Object.fromEntries(
      Object.entries(form)
        .filter(([name]) => name.startsWith('metadata['))
        .map(([name, value]) => [name.slice('metadata['.length, -1), value]),
    );
    const id = `pi_${randomBytes(12).toString('hex')}`;
    const intent: StubIntent = {
      id,
      object: 'payment_intent',
      amount,
      currency: form.currency,
      status: 'requires_payment_method',
      client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
      metadata,
      last_payment_error: null,
      cancellation_reason: null,
    };
    this.intents.set(id, intent);
    return [200, structuredClone(intent)];
  }
}

function stripeError(type: string, message: string, code?: string) {
  return { error: { type, message, ...(code ? { code } : {}) } };
}
