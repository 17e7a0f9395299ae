import { randomUUID } from 'node:crypto';
import {
  BILLING_ROUTES,
  type CouponDetailResponse,
  type CouponResponse,
  type PageResponse,
} from '@cloudphone/contracts';
import { MetricsService } from '@cloudphone/shared';
import { gaugeValues, manualCronRunContext } from '@cloudphone/shared/testing';
import { CouponsService } from '../src/modules/coupons';
import { ExpireCouponsJob } from '../src/modules/coupons/jobs/expire-coupons.job';
import { BillingTestApp } from './billing-test-app';
import { counterValue, couponCode, couponRowCounts, createCoupon, paymentReference } from './coupon-fixtures';

// The coupon routes over HTTP (admin CRUD, the user's checkout preview), who may call them, hostile
// input refused with 400 and nothing written, and the expire-coupons job.

type Body = Record<string, unknown>;

describe('billing-service coupons', () => {
  let app: BillingTestApp;
  const adminToken = () => app.tokens.admin();

  beforeAll(async () => {
    app = await BillingTestApp.start();
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (path: string, body: unknown, token = adminToken()) =>
    app.http
      .post(`/${path}`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);
  const patch = (id: string, body: unknown, token = adminToken()) =>
    app.http
      .patch(`/billing/coupons/${id}`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);
  const get = (path: string, token = adminToken()) =>
    app.http.get(`/${path}`).set('Authorization', `Bearer ${token}`);
  const validate = (body: unknown, userId = randomUUID()) =>
    post(BILLING_ROUTES.couponValidate, body, app.tokens.user({ userId }));

  describe('admin', () => {
    it('creates percentage and fixed coupons, codes case-insensitive', async () => {
      const code = couponCode('summer').toLowerCase();
      const created = await post(BILLING_ROUTES.coupons, {
        code,
        kind: 'percentage',
        percentBp: 1250,
        maxRedemptions: 100,
        perUserLimit: 2,
        expiresAt: '2999-01-01T00:00:00Z',
      }).expect(200);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        code: code.toUpperCase(),
        kind: 'percentage',
        percentBp: 1250,
        amountMinor: null,
        currency: null,
        maxRedemptions: 100,
        perUserLimit: 2,
        minAmountMinor: '0',
        startsAt: expect.any(String),
        expiresAt: '2999-01-01T00:00:00.000Z',
        status: 'active',
        redeemedCount: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const taken = await post(BILLING_ROUTES.coupons, {
        code: code.toUpperCase(),
        kind: 'percentage',
        percentBp: 5,
      });
      expect({ status: taken.status, code: taken.body.code }).toEqual({
        status: 409,
        code: 'COUPON_CODE_TAKEN',
      });

      // Without startsAt, an expiry a moment away still makes a valid window whatever the clocks.
      const soon = new Date(Date.now() + 1000).toISOString();
      const brief = await post(BILLING_ROUTES.coupons, {
        code: couponCode(),
        kind: 'percentage',
        percentBp: 5,
        expiresAt: soon,
      }).expect(200);
      // Disabled, so the expire-coupons test below counts only its own coupon.
      await patch(brief.body.id as string, { status: 'disabled' }).expect(200);

      const fixed = await post(BILLING_ROUTES.coupons, {
        code: couponCode(),
        kind: 'fixed',
        amountMinor: '500',
        currency: 'EUR',
        minAmountMinor: '1000',
      }).expect(200);
      expect(fixed.body).toMatchObject({
        kind: 'fixed',
        amountMinor: '500',
        currency: 'EUR',
        minAmountMinor: '1000',
      });
    });

    it('lists with filters (code in any case) and reads one with its redemption counts', async () => {
      const coupon = await createCoupon(app, { maxRedemptions: 10, perUserLimit: 5 });
      const coupons = app.service.app.get(CouponsService);
      const userId = randomUUID();
      const references = [paymentReference(), paymentReference(), paymentReference()];
      for (const reference of references)
        await coupons.reserve({ code: coupon.code, userId, amountMinor: '1000', currency: 'USD', reference });
      await coupons.confirm(references[0]);
      await coupons.release(references[1]);

      const listed = await get(
        `${BILLING_ROUTES.coupons}?code=${coupon.code.toLowerCase()}&status=active`,
      ).expect(200);
      const page = listed.body as PageResponse<CouponResponse>;
      expect(page.items.map((item) => [item.id, item.redeemedCount])).toEqual([[coupon.id, 2]]);
      expect(page.total).toBe(1);

      const detail = (await get(`billing/coupons/${coupon.id}`).expect(200)).body as CouponDetailResponse;
      expect(detail).toMatchObject({ id: coupon.id, redeemedCount: 2 });
      expect(detail.redemptions).toEqual({ reserved: 1, confirmed: 1, released: 1 });

      await get(`billing/coupons/${randomUUID()}`).expect(404);
      const sorted = await get(`${BILLING_ROUTES.coupons}?sort=-redeemedCount&limit=1`).expect(200);
      expect(sorted.body.items).toHaveLength(1);
      const longCurrency = await get(`${BILLING_ROUTES.coupons}?currency=${'X'.repeat(200)}`).expect(200);
      expect(longCurrency.body.total).toBe(0);
      const bad = await get(`${BILLING_ROUTES.coupons}?status=gone`);
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('disables, enables and changes limits, never below the count', async () => {
      const coupon = await createCoupon(app, { maxRedemptions: 5 });
      const coupons = app.service.app.get(CouponsService);
      for (let index = 0; index < 3; index += 1) {
        await coupons.reserve({
          code: coupon.code,
          userId: randomUUID(),
          amountMinor: '1000',
          currency: 'USD',
          reference: paymentReference(),
        });
      }
      const below = await patch(coupon.id, { maxRedemptions: 2 });
      expect([below.status, below.body.code, below.body.details]).toEqual([
        409,
        'COUPON_LIMIT_BELOW_COUNT',
        { maxRedemptions: 2, redeemedCount: 3 },
      ]);
      expect((await patch(coupon.id, { maxRedemptions: 3 }).expect(200)).body.maxRedemptions).toBe(3);
      expect((await patch(coupon.id, { maxRedemptions: null }).expect(200)).body.maxRedemptions).toBeNull();

      expect((await patch(coupon.id, { status: 'disabled' }).expect(200)).body.status).toBe('disabled');
      expect((await validate({ code: coupon.code, amountMinor: '1000', currency: 'USD' })).body.reason).toBe(
        'COUPON_NOT_FOUND',
      );
      expect((await patch(coupon.id, { status: 'active' }).expect(200)).body.status).toBe('active');

      const past = await patch(coupon.id, {
        startsAt: '2020-01-01T00:00:00Z',
        expiresAt: '2021-01-01T00:00:00Z',
      });
      expect(past.body.status).toBe('expired');
      const still = await patch(coupon.id, { status: 'active' });
      expect([still.status, still.body.code]).toEqual([409, 'COUPON_EXPIRED']);
      const revived = await patch(coupon.id, { expiresAt: '2999-01-01T00:00:00Z' }).expect(200);
      expect(revived.body).toMatchObject({ status: 'active', expiresAt: '2999-01-01T00:00:00.000Z' });
      await patch(randomUUID(), { status: 'disabled' }).expect(404);
    });

    it('only admins manage coupons', async () => {
      const user = app.tokens.user();
      await post(
        BILLING_ROUTES.coupons,
        { code: couponCode(), kind: 'percentage', percentBp: 5 },
        user,
      ).expect(403);
      await get(BILLING_ROUTES.coupons, user).expect(403);
      await get(BILLING_ROUTES.coupons, app.tokens.service()).expect(403);
      await patch(randomUUID(), { status: 'disabled' }, user).expect(403);
      await app.http.get(`/${BILLING_ROUTES.coupons}`).expect(401);
    });
  });

  describe('validate (checkout preview)', () => {
    it('answers the discount and the charge without reserving anything', async () => {
      const coupon = await createCoupon(app, { percentBp: 3333, currency: 'USD', minAmountMinor: '100' });
      const before = await couponRowCounts(app);
      const answer = await validate({
        code: coupon.code.toLowerCase(),
        amountMinor: '1001',
        currency: 'USD',
      }).expect(200);
      expect(answer.body).toEqual({ valid: true, discountMinor: '333', chargedMinor: '668', reason: null });
      expect(await couponRowCounts(app)).toEqual(before);
      expect((await get(`billing/coupons/${coupon.id}`)).body.redeemedCount).toBe(0);
    });

    it.each<[string, Body, string]>([
      ['an unknown code', { code: 'NOPE-NOPE' }, 'COUPON_NOT_FOUND'],
      ['another currency', { currency: 'EUR' }, 'COUPON_CURRENCY_MISMATCH'],
      ['an amount below the minimum', { amountMinor: '99' }, 'COUPON_MINIMUM_AMOUNT'],
    ])('is not valid for %s', async (_label, overrides, reason) => {
      const coupon = await createCoupon(app, { currency: 'USD', minAmountMinor: '100' });
      const answer = await validate({
        code: coupon.code,
        amountMinor: '5000',
        currency: 'USD',
        ...overrides,
      }).expect(200);
      const chargedMinor = (overrides.amountMinor as string | undefined) ?? '5000';
      expect(answer.body).toEqual({ valid: false, discountMinor: '0', chargedMinor, reason });
    });

    it('knows the caller’s own uses', async () => {
      const coupon = await createCoupon(app, { perUserLimit: 1 });
      const userId = randomUUID();
      await app.service.app.get(CouponsService).reserve({
        code: coupon.code,
        userId,
        amountMinor: '1000',
        currency: 'USD',
        reference: paymentReference(),
      });
      const body = { code: coupon.code, amountMinor: '1000', currency: 'USD' };
      expect((await validate(body, userId).expect(200)).body.reason).toBe('COUPON_USER_LIMIT');
      expect((await validate(body).expect(200)).body.valid).toBe(true);
      // Services have no user to check for.
      await post(BILLING_ROUTES.couponValidate, body, app.tokens.service()).expect(403);
    });
  });

  describe('hostile input: 400 and nothing written', () => {
    let before: { coupons: number; redemptions: number };

    beforeEach(async () => {
      before = await couponRowCounts(app);
    });

    afterEach(async () => {
      expect(await couponRowCounts(app)).toEqual(before);
    });

    const valid: Body = { code: 'HOSTILE1', kind: 'percentage', percentBp: 2500 };
    let deep: unknown = { end: true };
    for (let level = 0; level < 40; level += 1) deep = { nested: deep };

    it.each<[string, unknown]>([
      ['a NUL in the code', { ...valid, code: 'ABC\u0000DEF' }],
      ['a field named constructor', JSON.parse('{"code":"HOSTILE2","kind":"fixed","constructor":{"x":1}}')],
      [
        'a field named __proto__',
        JSON.parse('{"code":"HOSTILE3","kind":"percentage","percentBp":5,"__proto__":{"a":1}}'),
      ],
      ['percentBp 0', { ...valid, percentBp: 0 }],
      ['percentBp 10001 (above 100 %)', { ...valid, percentBp: 10_001 }],
      ['percentBp fractional', { ...valid, percentBp: 12.5 }],
      ['percentBp as a string', { ...valid, percentBp: '2500' }],
      [
        'amountMinor past bigint',
        { code: 'HOSTILE4', kind: 'fixed', currency: 'USD', amountMinor: '99999999999999999999' },
      ],
      ['amountMinor as a number', { code: 'HOSTILE5', kind: 'fixed', currency: 'USD', amountMinor: 500 }],
      ['amountMinor negative', { code: 'HOSTILE6', kind: 'fixed', currency: 'USD', amountMinor: '-5' }],
      ['maxRedemptions 1e30', { ...valid, maxRedemptions: 1e30 }],
      ['maxRedemptions 0', { ...valid, maxRedemptions: 0 }],
      ['perUserLimit null', { ...valid, perUserLimit: null }],
      ['minAmountMinor past bigint', { ...valid, currency: 'USD', minAmountMinor: '9223372036854775808' }],
      ['an unknown kind', { ...valid, kind: 'bogo' }],
      ['an unknown field', { ...valid, stackable: true }],
      ['expiresAt not a date', { ...valid, expiresAt: 'tomorrow' }],
      ['expiresAt in year 10000', { ...valid, expiresAt: '+010000-01-01T00:00:00Z' }],
      ['expiresAt in the past', { ...valid, expiresAt: '2001-01-01T00:00:00Z' }],
      ['fixed without amount', { code: 'HOSTILE7', kind: 'fixed', currency: 'USD' }],
      ['a code with SQL', { ...valid, code: "x'); DROP TABLE coupons; --" }],
      ['an array', [valid]],
    ])('create: %s', async (_label, body) => {
      const response = await post(BILLING_ROUTES.coupons, body);
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('create: JSON nested 40 deep', async () => {
      const response = await post(BILLING_ROUTES.coupons, { ...valid, extra: deep });
      expect([response.status, response.body.code]).toEqual([400, 'MALFORMED_BODY']);
    });

    it.each<[string, unknown]>([
      ['an empty change', {}],
      ['status expired (the job sets it)', { status: 'expired' }],
      ['perUserLimit null', { perUserLimit: null }],
      ['maxRedemptions past integer', { maxRedemptions: 2 ** 31 }],
      ['expiresAt before startsAt', { startsAt: '2999-01-02T00:00:00Z', expiresAt: '2999-01-01T00:00:00Z' }],
      ['a NUL in a key', JSON.parse('{"status\\u0000":"active"}')],
    ])('patch: %s', async (_label, body) => {
      const coupon = await app.db.query<{ id: string }>('SELECT id FROM coupons LIMIT 1');
      const response = await patch(coupon[0].id, body);
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('patch: an id that is no uuid', async () => {
      const response = await patch('constructor', { status: 'disabled' });
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it.each<[string, Body]>([
      ['a NUL in the code', { code: 'AB\u0000C', amountMinor: '1000', currency: 'USD' }],
      ['an amount past bigint', { code: 'ABC', amountMinor: '99999999999999999999', currency: 'USD' }],
      ['an amount as a number', { code: 'ABC', amountMinor: 1000, currency: 'USD' }],
      [
        'a field named constructor',
        JSON.parse('{"code":"ABC","amountMinor":"1","currency":"USD","constructor":1}'),
      ],
      ['no currency', { code: 'ABC', amountMinor: '1000' }],
    ])('validate: %s', async (_label, body) => {
      const response = await validate(body);
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('validate: constructor as a code is just a code nobody created', async () => {
      const answer = await validate({ code: 'constructor', amountMinor: '1000', currency: 'USD' }).expect(
        200,
      );
      expect(answer.body).toMatchObject({ valid: false, reason: 'COUPON_NOT_FOUND' });
    });
  });

  describe('expire-coupons job', () => {
    it('marks coupons past their expiry expired and reports stale reservations', async () => {
      const ending = await createCoupon(app, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
      const lasting = await createCoupon(app, { expiresAt: '2999-01-01T00:00:00Z' });
      await app.db.query(
        `UPDATE coupons SET starts_at = now() - interval '2 days', expires_at = now() - interval '1 minute' WHERE id = $1`,
        [ending.id],
      );
      const reference = paymentReference();
      await app.service.app.get(CouponsService).reserve({
        code: lasting.code,
        userId: randomUUID(),
        amountMinor: '1000',
        currency: 'USD',
        reference,
      });
      await app.db.query(
        `UPDATE coupon_redemptions SET reserved_at = now() - interval '25 hours' WHERE reference = $1`,
        [reference],
      );
      const expiredBefore = await counterValue(app, 'cloudphone_billing_coupons_expired_total');

      await app.service.app.get(ExpireCouponsJob).run(manualCronRunContext());

      expect((await get(`billing/coupons/${ending.id}`)).body.status).toBe('expired');
      expect((await get(`billing/coupons/${lasting.id}`)).body.status).toBe('active');
      expect(await counterValue(app, 'cloudphone_billing_coupons_expired_total')).toBe(expiredBefore + 1);
      const [stale] = await gaugeValues(
        app.service.app.get(MetricsService),
        'cloudphone_billing_coupon_stale_reservations',
      );
      expect(stale.value).toBe(1);
      // Reported, not released: the payment releases its own use.
      expect((await get(`billing/coupons/${lasting.id}`)).body.redeemedCount).toBe(1);

      await app.service.app.get(ExpireCouponsJob).run(manualCronRunContext());
      expect(await counterValue(app, 'cloudphone_billing_coupons_expired_total')).toBe(expiredBefore + 1);
    });
  });
});
