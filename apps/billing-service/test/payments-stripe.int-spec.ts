import { randomUUID } from 'node:crypto';
import { waitFor } from '@cloudphone/shared/testing';
import { BillingTestApp } from './billing-test-app';
import {
  age,
  createPayment,
  creditsOf,
  paymentRow,
  percentCoupon,
  redemptionStatus,
  runPaymentTimeouts,
  snapshot,
} from './payments-test-support';
import { StripeStub } from './stripe-stub';

describe('payments through Stripe (a local stub of its API)', () => {
  let stub: StripeStub;
  let app: BillingTestApp;

  beforeAll(async () => {
    stub = await StripeStub.start();
    app = await BillingTestApp.start(stub.env());
  });

  afterAll(async () => {
    await app?.close();
    await stub?.close();
  });

  /** A new user's payment of `amountMinor` and its intent at the stub. */
  async function pay(amountMinor = '5000', extra: Record<string, unknown> = {}) {
    const userId = randomUUID();
    const payment = await createPayment(app, userId, { amountMinor, ...extra });
    const row = await paymentRow(app, payment.id);
    return { userId, payment, intentId: row.provider_payment_id! };
  }

  it('creates a PaymentIntent form-encoded, keyed by the payment id, and answers its client secret', async () => {
    const { userId, payment, intentId } = await pay('5000');
    expect(payment).toMatchObject({
      status: 'pending',
      amountMinor: '5000',
      chargedMinor: '5000',
      currency: 'USD',
      provider: 'stripe',
      clientSecret: stub.intents.get(intentId)!.client_secret,
    });
    const create = stub.requests.find((request) => request.headers['idempotency-key'] === payment.id)!;
    expect(create).toMatchObject({ method: 'POST', path: '/v1/payment_intents' });
    expect(create.headers.authorization).toBe(`Bearer ${stub.secretKey}`);
    expect(create.form).toEqual({
      amount: '5000',
      currency: 'usd',
      'automatic_payment_methods[enabled]': 'true',
      'metadata[payment_id]': payment.id,
      'metadata[user_id]': userId,
    });
    // The client secret is shown once and kept nowhere.
    const stored = JSON.stringify(await app.db.query('SELECT * FROM payments WHERE id = $1', [payment.id]));
    expect(stored).not.toContain('_secret_');
    expect(await app.balanceOf(userId)).toBe(0n);
  });

  it('credits the account once when payment_intent.succeeded arrives, and once only for the same event again', async () => {
    const { userId, payment, intentId } = await pay('5000');
    const event = stub.succeed(intentId);
    expect(await stub.deliver(app.service.url, event)).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });
    expect(await app.balanceOf(userId)).toBe(5000n);
    expect(await paymentRow(app, payment.id)).toMatchObject({
      status: 'succeeded',
      settled_at: expect.any(Date),
    });
    expect(await stub.deliver(app.service.url, event)).toEqual({
      status: 200,
      body: { received: true, duplicate: true },
    });
    expect(await app.balanceOf(userId)).toBe(5000n);
    expect(await creditsOf(app, payment.id)).toBe(1);
    const ledger = await app.ledgerOf(userId);
    expect(ledger).toMatchObject({ sum: 5000n, entries: 1, lastBalanceAfter: 5000n });
    type Succeeded = { userId: string; paymentId: string; amountMinor: string; balanceMinor: string };
    const announced = await waitFor(
      () => {
        const seen = app.eventsFor<Succeeded>('billing.payment_succeeded', userId);
        return seen.length > 0 && seen;
      },
      { description: 'billing.payment_succeeded' },
    );
    expect(announced).toEqual([
      expect.objectContaining({ paymentId: payment.id, amountMinor: '5000', balanceMinor: '5000' }),
    ]);
  });

  it('credits once for 10 concurrent deliveries of one event, and for 10 different events of one payment', async () => {
    const { userId, payment, intentId } = await pay('7000');
    const event = stub.succeed(intentId);
    const answers = await Promise.all(Array.from({ length: 10 }, () => stub.deliver(app.service.url, event)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((answer) => answer.body.duplicate === false)).toHaveLength(1);
    const others = await Promise.all(
      Array.from({ length: 10 }, () => stub.deliver(app.service.url, stub.succeed(intentId))),
    );
    expect(others.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(await app.balanceOf(userId)).toBe(7000n);
    expect(await creditsOf(app, payment.id)).toBe(1);
  });

  it('refuses a bad signature, a stale timestamp or a tampered body with 400 and changes nothing', async () => {
    const { userId, intentId } = await pay('5000');
    const event = stub.succeed(intentId);
    const now = Math.floor(Date.now() / 1000);
    const before = await snapshot(app);
    const attempts = [
      stub.deliver(app.service.url, event, { secret: 'whsec_not_the_endpoint_secret' }),
      stub.deliver(app.service.url, event, { timestamp: now - 301 }),
      stub.deliver(app.service.url, event, { timestamp: now + 3600 }),
      stub.deliver(app.service.url, event, {
        tamper: (body) => body.replace('"amount":5000', '"amount":9000'),
      }),
      stub.deliver(app.service.url, event, { signature: '' }),
      stub.deliver(app.service.url, event, { signature: `t=${now},v1=${'0'.repeat(64)}` }),
      stub.deliver(app.service.url, event, { signature: 'garbage' }),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer).toMatchObject({ status: 400, body: { code: 'WEBHOOK_SIGNATURE_INVALID' } });
    }
    expect(await snapshot(app)).toEqual(before);
    expect(await app.balanceOf(userId)).toBe(0n);
    // The genuine event still works afterwards.
    expect((await stub.deliver(app.service.url, event)).body).toEqual({ received: true, duplicate: false });
    expect(await app.balanceOf(userId)).toBe(5000n);
  });

  it('marks a declined payment failed and credits nothing; a later successful retry is credited', async () => {
    const { userId, payment, intentId } = await pay('3000');
    expect((await stub.deliver(app.service.url, stub.decline(intentId))).status).toBe(200);
    expect(await paymentRow(app, payment.id)).toMatchObject({
      status: 'failed',
      failure_code: 'insufficient_funds',
    });
    expect(await app.balanceOf(userId)).toBe(0n);
    await waitFor(() => app.eventsFor('billing.payment_failed', userId).length === 1, {
      description: 'billing.payment_failed',
    });
    expect((await stub.deliver(app.service.url, stub.succeed(intentId))).status).toBe(200);
    expect(await paymentRow(app, payment.id)).toMatchObject({ status: 'succeeded', failure_code: null });
    expect(await app.balanceOf(userId)).toBe(3000n);
  });

  it('records, and does not act on, events of other kinds or of payments that are not ours', async () => {
    const intent = { ...stub.intents.values().next().value!, id: 'pi_notours', metadata: {} };
    const before = await snapshot(app);
    const answer = await stub.deliver(app.service.url, stub.event('payment_intent.succeeded', intent));
    expect(answer).toEqual({ status: 200, body: { received: true, duplicate: false } });
    const other = await stub.deliver(app.service.url, { ...stub.event('charge.refunded', intent) });
    expect(other.status).toBe(200);
    const after = await snapshot(app);
    expect(after).toEqual({ ...before, webhookEvents: before.webhookEvents + 2 });
  });

  it('payment-timeouts: expires a stale payment (cancelled at Stripe) and credits one paid meanwhile', async () => {
    const open = await pay('5000');
    const paid = await pay('6000');
    const fresh = await pay('7000');
    stub.succeed(paid.intentId); // paid, but its webhook never came
    await age(app, open.payment.id, 61);
    await age(app, paid.payment.id, 61);
    await runPaymentTimeouts(app);

    expect(await paymentRow(app, open.payment.id)).toMatchObject({
      status: 'expired',
      settled_at: expect.any(Date),
    });
    expect(stub.intents.get(open.intentId)).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'abandoned',
    });
    expect(await app.balanceOf(open.userId)).toBe(0n);
    expect(await paymentRow(app, paid.payment.id)).toMatchObject({ status: 'succeeded' });
    expect(await app.balanceOf(paid.userId)).toBe(6000n);
    expect(await paymentRow(app, fresh.payment.id)).toMatchObject({ status: 'pending' });
    expect(stub.intents.get(fresh.intentId)!.status).toBe('requires_payment_method');

    // Its webhook arriving late changes nothing more; another run finds nothing to do.
    await stub.deliver(
      app.service.url,
      stub.event('payment_intent.succeeded', stub.intents.get(paid.intentId)!),
    );
    await runPaymentTimeouts(app);
    expect(await app.balanceOf(paid.userId)).toBe(6000n);
    expect(await creditsOf(app, paid.payment.id)).toBe(1);
    await waitFor(() => app.eventsFor('billing.payment_failed', open.userId).length === 1, {
      description: 'billing.payment_failed (expired)',
    });
  });

  it('payment-timeouts: a payment paid just before its cancel is credited, not expired', async () => {
    const raced = await pay('4000');
    await age(app, raced.payment.id, 61);
    // Stripe says pending when asked, but the cancel finds it paid (the payer was faster).
    stub.payOnCancel(raced.intentId);
    await runPaymentTimeouts(app);
    expect(await paymentRow(app, raced.payment.id)).toMatchObject({ status: 'succeeded' });
    expect(await app.balanceOf(raced.userId)).toBe(4000n);
  });

  it('charges amount less the coupon, credits the whole amount, and confirms the coupon on success', async () => {
    const code = await percentCoupon(app, 1000);
    const { userId, payment, intentId } = await pay('5000', { couponCode: code.toLowerCase() });
    expect(payment).toMatchObject({ amountMinor: '5000', chargedMinor: '4500', couponCode: code });
    expect(stub.intents.get(intentId)!.amount).toBe(4500);
    expect(await redemptionStatus(app, payment.id)).toBe('reserved');
    await stub.deliver(app.service.url, stub.succeed(intentId));
    expect(await app.balanceOf(userId)).toBe(5000n);
    expect(await redemptionStatus(app, payment.id)).toBe('confirmed');
  });

  it('releases the coupon of a payment that expires', async () => {
    const code = await percentCoupon(app, 2000);
    const { payment } = await pay('5000', { couponCode: code });
    await age(app, payment.id, 61);
    await runPaymentTimeouts(app);
    expect(await paymentRow(app, payment.id)).toMatchObject({ status: 'expired' });
    expect(await redemptionStatus(app, payment.id)).toBe('released');
  });

  it('answers 503 while Stripe is down and 422 when it refuses, leaving the payment canceled', async () => {
    stub.failNext(500, 500, 500);
    const userId = randomUUID();
    const down = await app.http
      .post('/billing/payments')
      .set('Authorization', `Bearer ${app.tokens.user({ userId })}`)
      .send({ amountMinor: '5000' });
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    const refused = await app.http
      .post('/billing/payments')
      .set('Authorization', `Bearer ${app.tokens.user({ userId })}`)
      .send({ amountMinor: '10' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'PAYMENT_REFUSED_BY_PROVIDER',
      details: { providerCode: 'amount_too_small' },
    });
    const rows = await app.db.query<{ status: string }>('SELECT status FROM payments WHERE user_id = $1', [
      userId,
    ]);
    expect(rows.map((row) => row.status)).toEqual(['canceled', 'canceled']);
    expect(await app.balanceOf(userId)).toBe(0n);
  });

  it('refuses the simulate route for a Stripe payment (409)', async () => {
    const { userId, payment } = await pay('5000');
    const response = await app.http
      .post(`/billing/payments/${payment.id}/simulate`)
      .set('Authorization', `Bearer ${app.tokens.admin()}`)
      .send({ outcome: 'succeeded' });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('PAYMENT_NOT_SIMULATED');
    expect(await app.balanceOf(userId)).toBe(0n);
  });
});
