import { randomUUID } from 'node:crypto';
import { BILLING_ROUTES, type TopUpResponse } from '@cloudphone/contracts';
import { BillingTestApp, usageLasting } from './billing-test-app';

// Accounts, balance checks and top-ups against real Postgres, plus who may call what.

const SPEC = { cpuCores: 4, memoryMb: 8192, storageGb: 64 }; // 12.64 cents per hour at the seeded plan

describe('billing-service accounts', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await BillingTestApp.start();
  });

  afterAll(async () => {
    await app?.close();
  });

  function topUp(userId: string, body: Record<string, unknown>, token = app.tokens.admin()) {
    return app.http
      .post(`/billing/accounts/${userId}/top-up`)
      .set('Authorization', `Bearer ${token}`)
      .send(body);
  }

  function checkBalance(userId: string, durationSeconds: number) {
    return app.postAsService(BILLING_ROUTES.balanceCheck, { userId, durationSeconds, ...SPEC });
  }

  describe('balance check', () => {
    it('answers for an unknown user as a zero-balance account, without creating it', async () => {
      const userId = randomUUID();
      const response = await checkBalance(userId, 3600).expect(200);

      expect(response.body).toEqual({
        sufficient: false,
        balanceMinor: '0',
        requiredMinor: '13',
        currency: 'USD',
      });
      expect(await app.db.query('SELECT 1 FROM accounts WHERE user_id = $1', [userId])).toEqual([]);
    });

    it('is sufficient up to exactly the balance', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '127');

      expect((await checkBalance(userId, 36_000).expect(200)).body).toEqual({
        sufficient: true,
        balanceMinor: '127',
        requiredMinor: '127', // 126.4 rounded up
        currency: 'USD',
      });
      expect((await checkBalance(userId, 36_100).expect(200)).body).toMatchObject({
        sufficient: true,
        requiredMinor: '127', // 126.75 → 127 still
      });
      expect((await checkBalance(userId, 36_300).expect(200)).body).toMatchObject({
        sufficient: false,
        requiredMinor: '128',
      });
    });

    it('never finds a closed account sufficient', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '100000');
      await app.db.query(`UPDATE accounts SET status = 'closed' WHERE user_id = $1`, [userId]);
      expect((await checkBalance(userId, 60).expect(200)).body).toMatchObject({ sufficient: false });
    });
  });

  describe('balance check batch', () => {
    it('answers each check as the single check would, in request order, reading without writing', async () => {
      const rich = randomUUID();
      const closed = randomUUID();
      const unknown = randomUUID();
      await app.topUp(rich, '127');
      await app.topUp(closed, '100000');
      await app.db.query(`UPDATE accounts SET status = 'closed' WHERE user_id = $1`, [closed]);
      const checks = [
        { userId: rich, durationSeconds: 36_000, ...SPEC },
        { userId: unknown, durationSeconds: 3600, ...SPEC },
        { userId: rich, durationSeconds: 36_300, ...SPEC },
        { userId: closed, durationSeconds: 60, ...SPEC },
      ];

      const batch = await app.postAsService(BILLING_ROUTES.balanceCheckBatch, { items: checks }).expect(200);

      const alone = [];
      for (const check of checks)
        alone.push((await app.postAsService(BILLING_ROUTES.balanceCheck, check).expect(200)).body);
      expect(batch.body.results).toEqual(alone);
      expect(batch.body.results.map((result: { sufficient: boolean }) => result.sufficient)).toEqual([
        true,
        false,
        false,
        false,
      ]);
      expect(await app.db.query('SELECT 1 FROM accounts WHERE user_id = $1', [unknown])).toEqual([]);
    });
  });

  describe('reading an account', () => {
    it('lets the user themself, an admin and a service read it, and no other user', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '2500');
      const expected = {
        userId,
        tenantId: 'default',
        balanceMinor: '2500',
        currency: 'USD',
        status: 'active',
      };
      const read = (token: string) =>
        app.http.get(`/billing/accounts/${userId}`).set('Authorization', `Bearer ${token}`);

      expect((await read(app.tokens.user({ userId })).expect(200)).body).toEqual(expected);
      expect((await read(app.tokens.admin()).expect(200)).body).toEqual(expected);
      expect((await read(app.tokens.service()).expect(200)).body).toEqual(expected);
      expect((await read(app.tokens.user()).expect(403)).body).toMatchObject({ code: 'FORBIDDEN' });
      await app.http.get(`/billing/accounts/${userId}`).expect(401);
    });

    it('shows an unknown user a zero-balance account without creating it', async () => {
      const userId = randomUUID();
      const response = await app.http
        .get(`/billing/accounts/${userId}`)
        .set('Authorization', `Bearer ${app.tokens.user({ userId })}`)
        .expect(200);

      expect(response.body).toEqual({
        userId,
        tenantId: 'default',
        balanceMinor: '0',
        currency: 'USD',
        status: 'active',
      });
      expect(await app.db.query('SELECT 1 FROM accounts WHERE user_id = $1', [userId])).toEqual([]);
    });
  });

  describe('top-up', () => {
    it('credits once per reference and answers a resend with the first result', async () => {
      const userId = randomUUID();
      const first = await topUp(userId, { amountMinor: '5000', reference: 'pi_first' }).expect(200);
      const again = await topUp(userId, { amountMinor: '5000', reference: 'pi_first' }).expect(200);

      expect(first.body).toEqual({
        ledgerEntryId: expect.any(String),
        userId,
        reference: 'pi_first',
        amountMinor: '5000',
        balanceMinor: '5000',
        currency: 'USD',
        duplicate: false,
      });
      expect(again.body).toEqual({ ...first.body, duplicate: true });
      expect(await app.balanceOf(userId)).toBe(5000n);
    });

    it('refuses a reference reused with another amount or another user (409 TOP_UP_CONFLICT)', async () => {
      const userId = randomUUID();
      await topUp(userId, { amountMinor: '700', reference: 'ch_reused' }).expect(200);
      const before = await app.rowCounts();

      const otherAmount = await topUp(userId, { amountMinor: '701', reference: 'ch_reused' }).expect(409);
      const otherUser = await topUp(randomUUID(), { amountMinor: '700', reference: 'ch_reused' }).expect(409);

      expect(otherAmount.body).toMatchObject({
        code: 'TOP_UP_CONFLICT',
        details: { reference: 'ch_reused' },
      });
      expect(otherUser.body).toMatchObject({ code: 'TOP_UP_CONFLICT' });
      expect(await app.rowCounts()).toEqual(before);
    });

    it('credits once when 20 requests with one reference race, whatever users they name', async () => {
      const userId = randomUUID();
      const sameUser = Array.from({ length: 20 }, () =>
        topUp(userId, { amountMinor: '300', reference: 'pi_race' }),
      );
      const responses = await Promise.all(sameUser);

      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
      const bodies = responses.map((response) => response.body as TopUpResponse);
      expect(bodies.filter((body) => !body.duplicate)).toHaveLength(1);
      expect(new Set(bodies.map((body) => body.ledgerEntryId)).size).toBe(1);
      expect(await app.balanceOf(userId)).toBe(300n);

      const users = Array.from({ length: 10 }, () => randomUUID());
      const crossUser = await Promise.all(
        users.map((user) => topUp(user, { amountMinor: '300', reference: 'pi_race_users' })),
      );
      expect(crossUser.filter((response) => response.status === 200)).toHaveLength(1);
      expect(crossUser.filter((response) => response.status === 409)).toHaveLength(9);
      const [{ total }] = await app.db.query<{ total: string }>(
        `SELECT SUM(amount_minor) AS total FROM ledger_entries WHERE reference = 'pi_race_users'`,
      );
      expect(total).toBe('300');
    });

    it('returns an overdue account to active once the balance is no longer negative', async () => {
      const userId = randomUUID();
      await app.postAsService(BILLING_ROUTES.usage, usageLasting(3600, { userId })).expect(200); // -13
      const status = async () =>
        (
          await app.db.query<{ status: string }>('SELECT status FROM accounts WHERE user_id = $1', [userId])
        )[0].status;
      expect(await status()).toBe('overdue');

      await app.topUp(userId, '12');
      expect(await status()).toBe('overdue'); // -1
      await app.topUp(userId, '1');
      expect(await status()).toBe('active'); // 0
      expect(await app.ledgerOf(userId)).toEqual({ sum: 0n, entries: 3, lastBalanceAfter: 0n });
    });
  });

  describe('ledger invariant', () => {
    it('keeps every balance equal to the sum of its ledger after concurrent charges and top-ups', async () => {
      const users = [randomUUID(), randomUUID(), randomUUID()];
      const operations = users.flatMap((userId, userIndex) => [
        ...Array.from({ length: 20 }, (_, index) =>
          app.postAsService(BILLING_ROUTES.usage, usageLasting(600 + index * 91 + userIndex, { userId })),
        ),
        ...Array.from({ length: 10 }, (_, index) =>
          topUp(userId, { amountMinor: String(7 + index), reference: `inv_${userIndex}_${index}` }),
        ),
      ]);

      const responses = await Promise.all(operations);

      expect(responses.every((response) => response.status === 200)).toBe(true);
      for (const userId of users) {
        const ledger = await app.ledgerOf(userId);
        expect(ledger.entries).toBe(30);
        expect(ledger.sum).toBe(await app.balanceOf(userId));
        expect(ledger.lastBalanceAfter).toBe(ledger.sum);
      }
      // Each entry's balance_after is the running sum in entry order: the changes were serial.
      const breaks = await app.db.query(
        `SELECT account_id FROM (
           SELECT account_id, balance_after_minor,
                  SUM(amount_minor) OVER (PARTITION BY account_id ORDER BY id) AS running
           FROM ledger_entries) entries
         WHERE balance_after_minor <> running`,
      );
      expect(breaks).toEqual([]);
      expect(await app.accounts.findLedgerMismatches()).toEqual([]);
    });

    it('reports an account changed behind the ledger’s back', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '100');
      await app.db.query('UPDATE accounts SET balance_minor = 99 WHERE user_id = $1', [userId]);

      expect(await app.accounts.findLedgerMismatches()).toEqual([
        { userId, balanceMinor: '99', ledgerSumMinor: '100' },
      ]);
      await app.db.query('UPDATE accounts SET balance_minor = 100 WHERE user_id = $1', [userId]);
    });
  });

  describe('who may call what', () => {
    it('keeps usage and balance checks to services', async () => {
      for (const token of [app.tokens.user(), app.tokens.admin()]) {
        for (const [path, body] of [
          [BILLING_ROUTES.usage, usageLasting(60)],
          [BILLING_ROUTES.usageBatch, { items: [usageLasting(60)] }],
          [BILLING_ROUTES.balanceCheck, { userId: randomUUID(), durationSeconds: 60, ...SPEC }],
          [
            BILLING_ROUTES.balanceCheckBatch,
            { items: [{ userId: randomUUID(), durationSeconds: 60, ...SPEC }] },
          ],
        ] as const) {
          const response = await app.http.post(`/${path}`).set('Authorization', `Bearer ${token}`).send(body);
          expect({ path, status: response.status, code: response.body.code }).toEqual({
            path,
            status: 403,
            code: 'FORBIDDEN',
          });
        }
      }
      await app.http.post(`/${BILLING_ROUTES.usage}`).send(usageLasting(60)).expect(401);
      expect(await app.db.query('SELECT 1 FROM usage_records WHERE billed_seconds = 60')).toEqual([]);
    });

    it('keeps top-ups and price changes to admins', async () => {
      const userId = randomUUID();
      const body = { amountMinor: '100', reference: 'ref_forbidden' };
      await topUp(userId, body, app.tokens.user({ userId })).expect(403);
      await topUp(userId, body, app.tokens.service()).expect(403);
      const plan = {
        currency: 'USD',
        baseMicrosPerHour: '0',
        cpuCoreMicrosPerHour: '0',
        memoryGbMicrosPerHour: '0',
        storageGbMicrosPerHour: '0',
      };
      for (const token of [app.tokens.user(), app.tokens.service()]) {
        await app.http
          .put(`/${BILLING_ROUTES.pricing}`)
          .set('Authorization', `Bearer ${token}`)
          .send(plan)
          .expect(403);
      }
      await app.http
        .get(`/${BILLING_ROUTES.pricing}`)
        .set('Authorization', `Bearer ${app.tokens.user()}`)
        .expect(403);
      await app.http
        .get(`/${BILLING_ROUTES.pricing}`)
        .set('Authorization', `Bearer ${app.tokens.service()}`)
        .expect(200);
      expect(await app.balanceOf(userId)).toBe(0n);
      expect((await app.rowCounts()).price_plans).toBe(1);
    });
  });
});
