import { randomUUID } from 'node:crypto';
import { BillingTestApp } from './billing-test-app';
import {
  age,
  createPayment,
  creditsOf,
  paymentRow,
  runPaymentTimeouts,
  snapshot,
} from './payments-test-support';

describe('payments through the simulated provider', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await BillingTestApp.start();
  });

  afterAll(() => app?.close());

  function simulate(id: string, outcome: unknown, token: string) {
    return app.http
      .post(`/billing/payments/${id}/simulate`)
      .set('Authorization', `Bearer ${token}`)
      .send({ outcome });
  }

  it('settles as an admin tells it, through the crediting path, exactly once', async () => {
    const userId = randomUUID();
    const token = app.tokens.admin();
    const payment = await createPayment(app, userId, { amountMinor: '2500', currency: 'USD' });
    expect(payment).toMatchObject({
      status: 'pending',
      provider: 'simulated',
      amountMinor: '2500',
      chargedMinor: '2500',
    });
    expect(payment).not.toHaveProperty('clientSecret');

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => simulate(payment.id, 'succeeded', token)),
    );
    for (const answer of answers) expect(answer.body).toMatchObject({ id: payment.id, status: 'succeeded' });
    expect(await app.balanceOf(userId)).toBe(2500n);
    expect(await creditsOf(app, payment.id)).toBe(1);
    // Once paid, a "failed" changes nothing.
    expect((await simulate(payment.id, 'failed', token)).body.status).toBe('succeeded');
    expect(await app.balanceOf(userId)).toBe(2500n);
  });

  it('fails a payment and credits nothing; the payer may still pay it afterwards', async () => {
    const userId = randomUUID();
    const token = app.tokens.admin();
    const payment = await createPayment(app, userId, { amountMinor: '900' });
    expect((await simulate(payment.id, 'failed', token)).body).toMatchObject({
      status: 'failed',
      failureCode: 'simulated_decline',
    });
    expect(await app.balanceOf(userId)).toBe(0n);
    expect((await simulate(payment.id, 'succeeded', token)).body.status).toBe('succeeded');
    expect(await app.balanceOf(userId)).toBe(900n);
  });

  it('lets only its owner or an admin see or settle a payment; lists are one’s own, an admin’s all', async () => {
    const owner = randomUUID();
    const stranger = randomUUID();
    const payment = await createPayment(app, owner, { amountMinor: '100' });
    const strangerToken = app.tokens.user({ userId: stranger });
    // Settling a simulated payment is for admins: not even its owner may credit themself.
    expect((await simulate(payment.id, 'succeeded', strangerToken)).status).toBe(403);
    expect((await simulate(payment.id, 'succeeded', app.tokens.user({ userId: owner }))).status).toBe(403);
    const seen = await app.http
      .get(`/billing/payments/${payment.id}`)
      .set('Authorization', `Bearer ${strangerToken}`);
    expect(seen.status).toBe(404);
    expect(seen.body.code).toBe('PAYMENT_NOT_FOUND');
    const others = await app.http
      .get(`/billing/payments?userId=${owner}`)
      .set('Authorization', `Bearer ${strangerToken}`);
    expect(others.status).toBe(403);

    const own = await app.http
      .get('/billing/payments')
      .set('Authorization', `Bearer ${app.tokens.user({ userId: owner })}`);
    expect(own.status).toBe(200);
    expect(own.body.items.map((item: { id: string }) => item.id)).toEqual([payment.id]);
    const admin = app.tokens.admin();
    const all = await app.http
      .get(`/billing/payments?userId=${owner}&status=pending`)
      .set('Authorization', `Bearer ${admin}`);
    expect(all.body.items).toHaveLength(1);
    expect((await simulate(payment.id, 'succeeded', admin)).body.status).toBe('succeeded');
    expect(await app.balanceOf(owner)).toBe(100n);
    const service = await app.http
      .post('/billing/payments')
      .set('Authorization', `Bearer ${app.tokens.service()}`)
      .send({ amountMinor: '100' });
    expect(service.status).toBe(403);
  });

  it('refuses another currency than the account’s (409) and writes no payment', async () => {
    const userId = randomUUID();
    await createPayment(app, userId, { amountMinor: '100' });
    const before = await snapshot(app);
    const response = await app.http
      .post('/billing/payments')
      .set('Authorization', `Bearer ${app.tokens.user({ userId })}`)
      .send({ amountMinor: '100', currency: 'EUR' });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'CURRENCY_MISMATCH', details: { accountCurrency: 'USD' } });
    expect(await snapshot(app)).toEqual(before);
  });

  it('expires a stale simulated payment in the payment-timeouts job', async () => {
    const userId = randomUUID();
    const payment = await createPayment(app, userId, { amountMinor: '300' });
    await age(app, payment.id, 61);
    await runPaymentTimeouts(app);
    expect(await paymentRow(app, payment.id)).toMatchObject({ status: 'expired' });
    const late = await simulate(payment.id, 'failed', app.tokens.admin());
    expect(late.body.status).toBe('expired');
  });

  it('answers the Stripe webhook with 404 when Stripe is not the provider', async () => {
    const response = await app.http
      .post('/billing/payments/webhooks/stripe')
      .set('stripe-signature', 't=1,v1=00')
      .send({ id: 'evt_1', object: 'event' });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('WEBHOOK_NOT_CONFIGURED');
  });

  describe('hostile input on create → 400, nothing written', () => {
    const deep = (depth: number): unknown => (depth === 0 ? '1' : { amountMinor: deep(depth - 1) });
    it.each([
      ['an amount as a number', { amountMinor: 5000 }],
      ['a negative amount', { amountMinor: '-5' }],
      ['zero', { amountMinor: '0' }],
      ['an amount past bigint', { amountMinor: '99999999999999999999999999' }],
      ['an amount past Stripe’s ceiling', { amountMinor: '100000000' }],
      ['a fraction', { amountMinor: '10.5' }],
      ['an exponent', { amountMinor: '1e3' }],
      ['leading zeros', { amountMinor: '0100' }],
      ['a NUL byte in the amount', { amountMinor: '100\u0000' }],
      ['no amount', {}],
      ['null', { amountMinor: null }],
      ['`constructor` as currency', { amountMinor: '100', currency: 'constructor' }],
      ['`__proto__` as currency', { amountMinor: '100', currency: '__proto__' }],
      ['a lower-case currency', { amountMinor: '100', currency: 'usd' }],
      ['a null currency', { amountMinor: '100', currency: null }],
      ['a NUL byte in the coupon', { amountMinor: '100', couponCode: 'SAVE\u000010' }],
      ['an overlong coupon', { amountMinor: '100', couponCode: 'A'.repeat(41) }],
      ['a coupon as an object', { amountMinor: '100', couponCode: { $ne: '' } }],
      ['an unknown field', { amountMinor: '100', userId: randomUUID() }],
      ['a prototype key', JSON.parse('{"amountMinor":"100","__proto__":{"isAdmin":true}}')],
      ['deep JSON', deep(40)],
      ['an array', [{ amountMinor: '100' }]],
    ])('%s', async (_case, body) => {
      const userId = randomUUID();
      const before = await snapshot(app);
      const response = await app.http
        .post('/billing/payments')
        .set('Authorization', `Bearer ${app.tokens.user({ userId })}`)
        .send(body as object);
      expect(response.status).toBe(400);
      expect(['VALIDATION_FAILED', 'MALFORMED_BODY']).toContain(response.body.code);
      expect(await snapshot(app)).toEqual(before);
    });

    it('a body that is not JSON, and a malformed payment id', async () => {
      const token = app.tokens.user();
      const broken = await app.http
        .post('/billing/payments')
        .set('Authorization', `Bearer ${token}`)
        .set('content-type', 'application/json')
        .send('{"amountMinor": "1');
      expect(broken.status).toBe(400);
      expect(broken.body.code).toBe('MALFORMED_BODY');
      const id = await app.http.get('/billing/payments/not-a-uuid').set('Authorization', `Bearer ${token}`);
      expect(id.status).toBe(400);
      const outcome = await simulate(randomUUID(), 'refunded', app.tokens.admin());
      expect(outcome.status).toBe(400);
    });
  });
});

describe('payments through the simulated provider with PAYMENT_SIMULATED_AUTO_COMPLETE', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await BillingTestApp.start({ PAYMENT_SIMULATED_AUTO_COMPLETE: 'true' });
  });

  afterAll(() => app?.close());

  it('answers a payment already succeeded and credited', async () => {
    const userId = randomUUID();
    const payment = await createPayment(app, userId, { amountMinor: '4200' });
    expect(payment).toMatchObject({ status: 'succeeded', settledAt: expect.any(String) });
    expect(await app.balanceOf(userId)).toBe(4200n);
    expect(await creditsOf(app, payment.id)).toBe(1);
  });
});
