import { randomUUID } from 'node:crypto';
import {
  BILLING_ROUTES,
  type BillingOverdueEventData,
  DOMAIN_EVENTS,
  type ServiceChargeBatchResponse,
  type ServiceChargeRequest,
  type ServiceChargeResponse,
} from '@cloudphone/contracts';
import { MetricsService } from '@cloudphone/shared';
import { gaugeValues, waitFor } from '@cloudphone/shared/testing';
import { BillingTestApp } from './billing-test-app';

// POST /billing/charges and /billing/charges/batch against real Postgres: exactly once per
// reference (resends, 20 racing requests, batches), conflicts, currency mismatches, the ledger
// invariant, and hostile input refused with a stable code and nothing written.

type Body = Record<string, unknown>;

/** A proxy rental of 250 minor units for a new user (overrides first, so any field can be changed). */
function charge(overrides: Partial<ServiceChargeRequest> = {}): ServiceChargeRequest {
  return {
    reference: `proxy-rental:${randomUUID()}`,
    userId: randomUUID(),
    tenantId: 'default',
    source: 'proxy',
    description: 'Proxy rental, 24 h, DE residential',
    amountMinor: '250',
    currency: 'USD',
    occurredAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('billing-service service charges', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await BillingTestApp.start();
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (body: unknown) => app.postAsService(BILLING_ROUTES.charges, body);
  const postBatch = (body: unknown) => app.postAsService(BILLING_ROUTES.chargesBatch, body);

  /** Every table a charge may write, service_charges included. */
  async function counts(): Promise<Record<string, number>> {
    const [row] = await app.db.query<{ count: string }>('SELECT COUNT(*) AS count FROM service_charges');
    return { ...(await app.rowCounts()), service_charges: Number(row.count) };
  }

  async function ledgerEntriesOf(userId: string) {
    return app.db.query<{ kind: string; amount_minor: string; balance_after_minor: string; charge: string }>(
      `SELECT l.kind, l.amount_minor, l.balance_after_minor, c.reference AS charge
       FROM ledger_entries l JOIN accounts a ON a.id = l.account_id
       LEFT JOIN service_charges c ON c.id = l.service_charge_id
       WHERE a.user_id = $1 ORDER BY l.id`,
      [userId],
    );
  }

  describe('charging', () => {
    it('lowers the balance and writes one ledger entry naming the charge', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '10000');
      const request = charge({ userId });

      const response = await post(request).expect(200);

      expect(response.body).toEqual({
        chargeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        reference: request.reference,
        amountMinor: '250',
        balanceMinor: '9750',
        currency: 'USD',
        recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        duplicate: false,
      });
      expect(await app.balanceOf(userId)).toBe(9750n);
      expect(await ledgerEntriesOf(userId)).toEqual([
        expect.objectContaining({ kind: 'top_up', amount_minor: '10000' }),
        {
          kind: 'service_charge',
          amount_minor: '-250',
          balance_after_minor: '9750',
          charge: request.reference,
        },
      ]);
      const [row] = await app.db.query('SELECT * FROM service_charges WHERE reference = $1', [
        request.reference,
      ]);
      expect(row).toMatchObject({
        id: response.body.chargeId,
        user_id: userId,
        source: 'proxy',
        description: request.description,
        amount_minor: '250',
        balance_after_minor: '9750',
        occurred_at: new Date(request.occurredAt),
      });
    });

    it('opens the account in the charge’s currency and may take it negative (overdue, announced once)', async () => {
      const request = charge({
        currency: 'EUR',
        amountMinor: '1200',
        source: 'sms',
        reference: 'sms-code:abc.1',
      });

      await post(request).expect(200);

      const [account] = await app.db.query(
        'SELECT currency, balance_minor, status FROM accounts WHERE user_id = $1',
        [request.userId],
      );
      expect(account).toEqual({ currency: 'EUR', balance_minor: '-1200', status: 'overdue' });
      expect(await app.ledgerOf(request.userId)).toEqual({
        sum: -1200n,
        entries: 1,
        lastBalanceAfter: -1200n,
      });
      await waitFor(() => app.eventsFor(DOMAIN_EVENTS.billingOverdue, request.userId).length > 0, {
        timeoutMs: 20_000,
        description: 'billing.overdue',
      });
      expect(app.eventsFor<BillingOverdueEventData>(DOMAIN_EVENTS.billingOverdue, request.userId)).toEqual([
        { userId: request.userId, tenantId: 'default', balanceMinor: '-1200', currency: 'EUR' },
      ]);
    });

    it('charges zero as a zero ledger entry', async () => {
      const request = charge({ amountMinor: '0' });
      await post(request).expect(200);
      expect(await app.ledgerOf(request.userId)).toEqual({ sum: 0n, entries: 1, lastBalanceAfter: 0n });
    });
  });

  describe('exactly once per reference', () => {
    it('answers a resend with the first result and changes nothing', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '1000');
      const request = charge({ userId });
      const first = await post(request).expect(200);
      const before = await counts();

      // The same charge again, with the user id in upper case and reworded (not compared).
      const resends = [
        request,
        { ...request, userId: userId.toUpperCase() },
        { ...request, description: 'Other' },
      ];
      for (const resend of resends) {
        const again = await post(resend).expect(200);
        expect(again.body).toEqual({ ...first.body, duplicate: true });
      }
      expect(await counts()).toEqual(before);
      expect(await app.balanceOf(userId)).toBe(750n);
    });

    it('charges once when 20 requests of one reference race', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '100000');
      const request = charge({ userId, amountMinor: '777' });

      const responses = await Promise.all(Array.from({ length: 20 }, () => post(request)));

      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
      const bodies = responses.map((response) => response.body as ServiceChargeResponse);
      expect(bodies.filter((body) => !body.duplicate)).toHaveLength(1);
      expect(
        new Set(bodies.map((body) => `${body.chargeId}/${body.balanceMinor}/${body.recordedAt}`)).size,
      ).toBe(1);
      expect(bodies[0].balanceMinor).toBe('99223');
      expect(await app.balanceOf(userId)).toBe(99_223n);
      expect(await app.ledgerOf(userId)).toEqual({ sum: 99_223n, entries: 2, lastBalanceAfter: 99_223n });
    });

    it('refuses the same reference with another user, source, amount or currency (409 CHARGE_CONFLICT)', async () => {
      const request = charge();
      await post(request).expect(200);
      const before = await counts();

      for (const changed of [
        { userId: randomUUID() },
        { source: 'sms' },
        { amountMinor: '251' },
        { currency: 'EUR' },
      ]) {
        const response = await post({ ...request, ...changed }).expect(409);
        expect(response.body).toMatchObject({
          code: 'CHARGE_CONFLICT',
          details: { reference: request.reference },
        });
      }
      expect(await counts()).toEqual(before);
    });

    it('refuses a currency other than the account’s (409 CURRENCY_MISMATCH), charging nothing', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '1000'); // opens the account in USD
      const before = await counts();

      const response = await post(charge({ userId, currency: 'EUR' })).expect(409);

      expect(response.body).toMatchObject({
        code: 'CURRENCY_MISMATCH',
        details: { accountCurrency: 'USD', currency: 'EUR' },
      });
      expect(await counts()).toEqual(before);
      expect(await app.balanceOf(userId)).toBe(1000n);
    });
  });

  describe('batch', () => {
    it('answers each item in request order, charging the good ones once', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '5000');
      const earlier = charge({ userId, amountMinor: '100' });
      await post(earlier).expect(200);
      const fresh = charge({
        userId,
        amountMinor: '300',
        source: 'sms',
        reference: `sms-code:${randomUUID()}`,
      });
      const other = charge({ amountMinor: '50' });
      const items = [
        fresh,
        earlier, // a resend
        { ...earlier, amountMinor: '101' }, // a conflict
        charge({ userId, currency: 'EUR' }), // a currency mismatch
        other,
        fresh, // twice in one batch: charged once
      ];

      const response = await postBatch({ items }).expect(200);

      const { results } = response.body as ServiceChargeBatchResponse;
      expect(
        results.map((result) => [result.reference, result.ok, result.code, result.charge?.duplicate]),
      ).toEqual([
        [fresh.reference, true, undefined, false],
        [earlier.reference, true, undefined, true],
        [earlier.reference, false, 'CHARGE_CONFLICT', undefined],
        [items[3].reference, false, 'CURRENCY_MISMATCH', undefined],
        [other.reference, true, undefined, false],
        [fresh.reference, true, undefined, true],
      ]);
      expect(results[2].message).toEqual(expect.any(String));
      expect(await app.balanceOf(userId)).toBe(5000n - 100n - 300n);
      expect(await app.ledgerOf(userId)).toEqual({ sum: 4600n, entries: 3, lastBalanceAfter: 4600n });
      expect(await app.balanceOf(other.userId)).toBe(-50n);

      // The whole batch again: every good item a duplicate, nothing charged.
      const before = await counts();
      const again = (await postBatch({ items }).expect(200)).body as ServiceChargeBatchResponse;
      expect(again.results.map((result) => result.ok && result.charge?.duplicate)).toEqual([
        true,
        true,
        false,
        false,
        true,
        true,
      ]);
      expect(await counts()).toEqual(before);
    });

    it('counts outcomes per source', async () => {
      const values = await gaugeValues(
        app.service.app.get(MetricsService),
        'cloudphone_billing_service_charges_total',
      );
      const total = (source: string, outcome: string) =>
        values
          .filter(({ labels }) => labels.source === source && labels.outcome === outcome)
          .reduce((sum, { value }) => sum + value, 0);
      expect(total('proxy', 'recorded')).toBeGreaterThan(0);
      expect(total('proxy', 'duplicate')).toBeGreaterThanOrEqual(19);
      expect(total('proxy', 'conflict')).toBeGreaterThan(0);
      expect(total('proxy', 'currency_mismatch')).toBeGreaterThan(0);
      expect(total('sms', 'recorded')).toBeGreaterThan(0);
    });
  });

  describe('refusals', () => {
    let before: Record<string, number>;

    beforeEach(async () => {
      before = await counts();
    });

    afterEach(async () => {
      expect(await counts()).toEqual(before);
    });

    const valid: Body = { ...charge() };

    it.each<[string, unknown]>([
      ['empty body', {}],
      ['an array', [valid]],
      ['a NUL byte in the description', { ...valid, description: 'proxy\u0000rental' }],
      ['a line break in the description', { ...valid, description: 'proxy\nrental' }],
      ['a C1 control in the description', { ...valid, description: 'proxy\u0085rental' }],
      ['a bidi override in the description', { ...valid, description: 'proxy \u202Elatner' }],
      ['a lone surrogate in the description', { ...valid, description: 'proxy \ud800' }],
      ['an empty description', { ...valid, description: '' }],
      ['a blank description', { ...valid, description: '   ' }],
      ['a description too long', { ...valid, description: 'd'.repeat(201) }],
      ['amountMinor past bigint', { ...valid, amountMinor: '9223372036854775808' }],
      ['amountMinor past the bound', { ...valid, amountMinor: '1000000000000' }],
      ['amountMinor huge', { ...valid, amountMinor: '99999999999999999999999' }],
      ['amountMinor negative', { ...valid, amountMinor: '-250' }],
      ['amountMinor fractional', { ...valid, amountMinor: '2.50' }],
      ['amountMinor with a leading zero', { ...valid, amountMinor: '0250' }],
      ['amountMinor as a number', { ...valid, amountMinor: 250 }],
      ['constructor as reference', { ...valid, reference: 'constructor' }],
      ['__proto__ as reference', { ...valid, reference: '__proto__' }],
      ['a reference without a kind', { ...valid, reference: ':abc' }],
      ['a reference with a space', { ...valid, reference: 'proxy-rental:a b' }],
      ['a reference too long', { ...valid, reference: `proxy-rental:${'x'.repeat(188)}` }],
      ['a reference as a number', { ...valid, reference: 12345 }],
      ['an unknown source', { ...valid, source: 'email' }],
      ['source constructor', { ...valid, source: 'constructor' }],
      ['userId not a uuid', { ...valid, userId: 'user-1' }],
      ['tenantId empty', { ...valid, tenantId: '' }],
      ['tenantId too long', { ...valid, tenantId: 't'.repeat(129) }],
      ['currency lower case', { ...valid, currency: 'usd' }],
      ['occurredAt a date only', { ...valid, occurredAt: '2025-01-01' }],
      ['occurredAt without a zone', { ...valid, occurredAt: '2025-01-01T10:00:00' }],
      ['occurredAt impossible', { ...valid, occurredAt: '2025-02-30T10:00:00Z' }],
      ['occurredAt in year 1', { ...valid, occurredAt: '0001-01-01T00:00:00+23:59' }],
      ['an unknown field', { ...valid, discount: '100' }],
      ['a constructor field', { ...valid, constructor: { name: 'x' } }],
      ['a missing field', { ...valid, occurredAt: undefined }],
    ])('POST charges refuses %s (400 VALIDATION_FAILED)', async (label, body) => {
      const response = await post(body);
      expect({ label, status: response.status, code: response.body.code }).toEqual({
        label,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    });

    it.each<[string, unknown]>([
      ['no items', { items: [] }],
      ['101 items', { items: Array.from({ length: 101 }, () => charge()) }],
      ['a null item', { items: [charge(), null] }],
      ['one malformed item', { items: [charge(), { ...charge(), description: 'a\u0000b' }] }],
      ['an unknown top-level field', { items: [charge()], atomic: true }],
    ])('POST charges/batch refuses %s, charging none of its items', async (label, body) => {
      const response = await postBatch(body);
      expect({ label, status: response.status, code: response.body.code }).toEqual({
        label,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    });

    it('keeps charges to services (403 FORBIDDEN for users and admins, 401 without a valid token)', async () => {
      for (const token of [app.tokens.user(), app.tokens.admin()]) {
        for (const [path, body] of [
          [BILLING_ROUTES.charges, charge()],
          [BILLING_ROUTES.chargesBatch, { items: [charge()] }],
        ] as const) {
          const response = await app.http.post(`/${path}`).set('Authorization', `Bearer ${token}`).send(body);
          expect({ path, status: response.status, code: response.body.code }).toEqual({
            path,
            status: 403,
            code: 'FORBIDDEN',
          });
        }
      }
      const anonymous = await app.http.post(`/${BILLING_ROUTES.charges}`).send(charge());
      expect({ status: anonymous.status, code: anonymous.body.code }).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      const forged = await app.http
        .post(`/${BILLING_ROUTES.charges}`)
        .set('Authorization', 'Bearer not.a.token')
        .send(charge());
      expect({ status: forged.status, code: forged.body.code }).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    });
  });
});
