import { randomUUID } from 'node:crypto';
import {
  BILLING_ROUTES,
  type DeviceSpec,
  type UsageBatchResponse,
  type UsageRecordResponse,
} from '@cloudphone/contracts';
import { BillingTestApp, usageLasting, usageReport } from './billing-test-app';

// POST /billing/usage and /billing/usage/batch against real Postgres: exact prices, exactly-once
// charging under concurrency, and the ledger invariant (balance = sum of ledger entries).

const DEFAULT_RATE_MICROS_PER_HOUR_X1024 = (spec: DeviceSpec) =>
  2_000_000n * 1024n +
  1_500_000n * BigInt(spec.cpuCores) * 1024n +
  500_000n * BigInt(spec.memoryMb) +
  10_000n * BigInt(spec.storageGb) * 1024n;

/** An independent restatement of the documented rule: exact fraction, rounded up once. */
function expectedPrice(spec: DeviceSpec, seconds: number): bigint {
  const denominator = 3600n * 1024n * 1_000_000n;
  return (DEFAULT_RATE_MICROS_PER_HOUR_X1024(spec) * BigInt(seconds) + denominator - 1n) / denominator;
}

describe('billing-service usage', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await BillingTestApp.start();
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('pricing per second', () => {
    it.each([
      [{ cpuCores: 4, memoryMb: 8192, storageGb: 64 }, 7, '1'],
      [{ cpuCores: 4, memoryMb: 8192, storageGb: 64 }, 7777, '28'],
      [{ cpuCores: 4, memoryMb: 8192, storageGb: 64 }, 12345, '44'],
      [{ cpuCores: 2, memoryMb: 3000, storageGb: 10 }, 4321, '8'],
      [{ cpuCores: 1, memoryMb: 256, storageGb: 1 }, 1, '1'], // the smallest device
      [{ cpuCores: 16, memoryMb: 65536, storageGb: 512 }, 86399, '1515'],
      [{ cpuCores: 4, memoryMb: 8192, storageGb: 64 }, 0, '0'],
    ])('charges %o for %i s exactly %s minor units', async (spec, seconds, amount) => {
      const report = usageLasting(seconds, spec);
      const response = await app.postAsService(BILLING_ROUTES.usage, report).expect(200);

      expect(response.body).toEqual({
        usageId: expect.any(String),
        allocationId: report.allocationId,
        amountMinor: amount,
        currency: 'USD', // device-service stores it with the amount on the allocation
        balanceMinor: (-BigInt(amount)).toString(), // a new account, opened at zero
        duplicate: false,
      });
      expect(BigInt(amount)).toBe(expectedPrice(spec, seconds));
    });
  });

  describe('exactly once per allocation', () => {
    it('answers a resend with the first result and charges nothing more', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '10000');
      const report = usageLasting(3600, { userId });

      const first = await app.postAsService(BILLING_ROUTES.usage, report).expect(200);
      const again = await app.postAsService(BILLING_ROUTES.usage, report).expect(200);

      expect(first.body).toMatchObject({ amountMinor: '13', balanceMinor: '9987', duplicate: false });
      expect(again.body).toEqual({ ...first.body, duplicate: true });
      expect(await app.balanceOf(userId)).toBe(9987n);
    });

    it('treats the same instants written with another offset as the same report', async () => {
      const report = usageReport();
      await app.postAsService(BILLING_ROUTES.usage, report).expect(200);
      const resend = {
        ...report,
        startedAt: '2025-01-01T11:00:00+01:00',
        endedAt: '2025-01-01T11:01:40.000+01:00',
      };

      const response = await app.postAsService(BILLING_ROUTES.usage, resend).expect(200);
      expect(response.body).toMatchObject({ duplicate: true });
    });

    it('refuses a different report for an allocation already recorded (409 USAGE_CONFLICT)', async () => {
      const report = usageLasting(600);
      await app.postAsService(BILLING_ROUTES.usage, report).expect(200);
      const before = await app.rowCounts();

      for (const changed of [
        { billedSeconds: 599 },
        { cpuCores: 2 },
        { userId: randomUUID() },
        { deviceId: randomUUID() },
        { endedAt: '2025-01-01T10:10:01.000Z' },
      ]) {
        const response = await app.postAsService(BILLING_ROUTES.usage, { ...report, ...changed }).expect(409);
        expect(response.body).toMatchObject({
          code: 'USAGE_CONFLICT',
          details: { allocationId: report.allocationId },
        });
      }
      expect(await app.rowCounts()).toEqual(before);
    });

    it('charges once when 50 reports of one allocation arrive concurrently', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '100000');
      const report = usageLasting(36_000, { userId }); // 126.4 → 127

      const responses = await Promise.all(
        Array.from({ length: 50 }, () => app.postAsService(BILLING_ROUTES.usage, report)),
      );

      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
      const bodies = responses.map((response) => response.body as UsageRecordResponse);
      expect(bodies.filter((body) => !body.duplicate)).toHaveLength(1);
      expect(new Set(bodies.map((body) => body.usageId)).size).toBe(1);
      expect(new Set(bodies.map((body) => `${body.amountMinor}/${body.balanceMinor}`))).toEqual(
        new Set(['127/99873']),
      );
      expect(await app.balanceOf(userId)).toBe(99_873n);
      const ledger = await app.ledgerOf(userId);
      expect(ledger).toEqual({ sum: 99_873n, entries: 2, lastBalanceAfter: 99_873n });
      const [{ count }] = await app.db.query<{ count: string }>(
        'SELECT COUNT(*) AS count FROM usage_records WHERE allocation_id = $1',
        [report.allocationId],
      );
      expect(count).toBe('1');
    });

    it('charges 100 concurrent allocations of one account exactly: balance = initial − Σ amounts = ledger sum', async () => {
      const userId = randomUUID();
      const initial = 1_000_000n;
      await app.topUp(userId, initial.toString());
      const reports = Array.from({ length: 100 }, (_, index) =>
        usageLasting(1_000 + index * 37, { userId, cpuCores: 1 + (index % 8), memoryMb: 1024 + index * 13 }),
      );

      const responses = await Promise.all(
        reports.map((report) => app.postAsService(BILLING_ROUTES.usage, report)),
      );

      expect(responses.map((response) => response.status)).toEqual(Array(100).fill(200));
      const charged = responses.reduce((sum, response) => sum + BigInt(response.body.amountMinor), 0n);
      reports.forEach((report, index) => {
        expect(BigInt(responses[index].body.amountMinor)).toBe(expectedPrice(report, report.billedSeconds));
      });
      // Each answer's balance is a distinct step of one serial history.
      expect(new Set(responses.map((response) => response.body.balanceMinor)).size).toBe(100);
      expect(await app.balanceOf(userId)).toBe(initial - charged);
      expect(await app.ledgerOf(userId)).toEqual({
        sum: initial - charged,
        entries: 101,
        lastBalanceAfter: initial - charged,
      });
      expect(await app.accounts.findLedgerMismatches()).toEqual([]);
    });
  });

  describe('accounts created on first use', () => {
    it('opens an unknown user’s account at zero in the report’s tenant and lets the charge overdraw it', async () => {
      const report = usageLasting(3600, { tenantId: 'acme' });

      const response = await app.postAsService(BILLING_ROUTES.usage, report).expect(200);

      expect(response.body).toMatchObject({ amountMinor: '13', balanceMinor: '-13' });
      const [account] = await app.db.query(
        'SELECT tenant_id, currency, status FROM accounts WHERE user_id = $1',
        [report.userId],
      );
      expect(account).toEqual({ tenant_id: 'acme', currency: 'USD', status: 'overdue' });
    });
  });

  describe('batch', () => {
    it('records new items, answers duplicates and fails bad items without undoing the others', async () => {
      const userId = randomUUID();
      await app.topUp(userId, '5000');
      const earlier = usageLasting(3600, { userId });
      const earlierResponse = await app.postAsService(BILLING_ROUTES.usage, earlier).expect(200);
      const fresh = usageLasting(7200, { userId }); // 25.28 → 26
      const endsBeforeStart = usageReport({ userId, endedAt: '2025-01-01T09:00:00.000Z', billedSeconds: 0 });
      const conflicting = { ...earlier, billedSeconds: 10 };
      const tooManySeconds = usageReport({ userId, billedSeconds: 101 });
      const repeatedInBatch = usageLasting(60, { userId });

      const response = await app
        .postAsService(BILLING_ROUTES.usageBatch, {
          items: [
            fresh,
            earlier,
            endsBeforeStart,
            conflicting,
            tooManySeconds,
            repeatedInBatch,
            repeatedInBatch,
          ],
        })
        .expect(200);

      const { results } = response.body as UsageBatchResponse;
      expect(
        results.map(({ allocationId, status, errorCode }) => ({ allocationId, status, errorCode })),
      ).toEqual([
        { allocationId: fresh.allocationId, status: 'recorded', errorCode: undefined },
        { allocationId: earlier.allocationId, status: 'duplicate', errorCode: undefined },
        { allocationId: endsBeforeStart.allocationId, status: 'failed', errorCode: 'VALIDATION_FAILED' },
        { allocationId: earlier.allocationId, status: 'failed', errorCode: 'USAGE_CONFLICT' },
        { allocationId: tooManySeconds.allocationId, status: 'failed', errorCode: 'VALIDATION_FAILED' },
        { allocationId: repeatedInBatch.allocationId, status: 'recorded', errorCode: undefined },
        { allocationId: repeatedInBatch.allocationId, status: 'duplicate', errorCode: undefined },
      ]);
      expect(results[0].usage).toMatchObject({ amountMinor: '26', duplicate: false });
      expect(results[1].usage).toEqual({ ...earlierResponse.body, duplicate: true });
      expect(results[2].errorMessage).toContain('endedAt');
      expect(results[5].usage).toMatchObject({ amountMinor: '1' });
      expect(await app.balanceOf(userId)).toBe(5000n - 13n - 26n - 1n);
      expect((await app.ledgerOf(userId)).sum).toBe(5000n - 13n - 26n - 1n);

      // The whole batch sent again: nothing new is charged.
      const resent = await app
        .postAsService(BILLING_ROUTES.usageBatch, { items: [fresh, earlier, repeatedInBatch] })
        .expect(200);
      expect((resent.body as UsageBatchResponse).results.map((result) => result.status)).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
      ]);
      expect(await app.balanceOf(userId)).toBe(5000n - 40n);
    });
  });

  describe('batch in one transaction', () => {
    const transactionsOf = async (allocationIds: string[]) =>
      Number(
        (
          await app.db.query<{ count: string }>(
            'SELECT count(DISTINCT xmin::text) AS count FROM usage_records WHERE allocation_id = ANY($1::uuid[])',
            [allocationIds],
          )
        )[0].count,
      );

    it('records the new items of a clean batch in one transaction, charging each exactly', async () => {
      const users = [randomUUID(), randomUUID()];
      for (const userId of users) await app.topUp(userId, '1000');
      const items = [0, 1, 0, 1, 0].map((user) => usageLasting(3600, { userId: users[user] })); // 13 each

      const response = await app.postAsService(BILLING_ROUTES.usageBatch, { items }).expect(200);

      const { results } = response.body as UsageBatchResponse;
      expect(results.map((result) => [result.allocationId, result.status])).toEqual(
        items.map((item) => [item.allocationId, 'recorded']),
      );
      expect(await transactionsOf(items.map((item) => item.allocationId))).toBe(1);
      expect(await app.balanceOf(users[0])).toBe(1000n - 3n * 13n);
      expect(await app.balanceOf(users[1])).toBe(1000n - 2n * 13n);
      for (const userId of users) expect((await app.ledgerOf(userId)).sum).toBe(await app.balanceOf(userId));
    });

    it('records a clean batch set-based: the same charges, answers and ledger, in statements that do not grow with it', async () => {
      const statements = () => app.metricSum('cloudphone_db_statements_total');
      // The relay's passes publishing the events count too; waiting for them keeps runs comparable.
      const outboxDrained = () => app.outboxDrained();
      const statementsFor = async (count: number) => {
        const users = [randomUUID(), randomUUID()];
        for (const userId of users) await app.topUp(userId, '100000');
        const items = Array.from({ length: count }, (_, index) =>
          usageLasting(3600 * (index + 1), { userId: users[index % 2] }),
        );
        await outboxDrained();
        const before = await statements();
        const response = await app.postAsService(BILLING_ROUTES.usageBatch, { items }).expect(200);
        await outboxDrained();
        const spent = (await statements()) - before;
        return { users, items, results: (response.body as UsageBatchResponse).results, spent };
      };

      const small = await statementsFor(2);
      const large = await statementsFor(40);

      // One report at a time would take 7 statements per item (266 more for 38 more items); the relay
      // may need a pass or two more for 40 events.
      expect(large.spent - small.spent).toBeLessThan(15);
      // Each answer carries the balance right after its own charge, in (user, allocation) order.
      for (const userId of large.users) {
        const mine = large.items
          .map((item, index) => ({ item, result: large.results[index] }))
          .filter(({ item }) => item.userId === userId)
          .sort((a, b) => a.item.allocationId.localeCompare(b.item.allocationId));
        let balance = 100000n;
        for (const { result } of mine) {
          expect(result.status).toBe('recorded');
          balance -= BigInt(result.usage?.amountMinor ?? 'NaN');
          expect(result.usage?.balanceMinor).toBe(balance.toString());
        }
        expect(await app.balanceOf(userId)).toBe(balance);
        expect(await app.ledgerOf(userId)).toEqual({
          sum: balance,
          entries: mine.length + 1,
          lastBalanceAfter: balance,
        });
      }
      // Priced exactly as one report at a time: 12.64 cents an hour, rounded up once.
      expect(large.results[0].usage?.amountMinor).toBe('13');
      expect(large.results[39].usage?.amountMinor).toBe(String(Math.ceil(12.64 * 40)));
    });

    it('charges each allocation once when overlapping batches race in opposite orders', async () => {
      const users = [randomUUID(), randomUUID(), randomUUID()];
      for (const userId of users) await app.topUp(userId, '100000');
      const items = Array.from({ length: 30 }, (_, index) =>
        usageLasting(3600 * ((index % 4) + 1), { userId: users[index % 3] }),
      );
      const batches = Array.from({ length: 6 }, (_, index) => {
        const slice = items.slice((index % 3) * 5, (index % 3) * 5 + 20);
        return index % 2 === 0 ? slice : [...slice].reverse();
      });

      const answers = await Promise.all(
        batches.map((batch) => app.postAsService(BILLING_ROUTES.usageBatch, { items: batch })),
      );

      expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
      const results = answers.flatMap((answer) => (answer.body as UsageBatchResponse).results);
      expect(results.filter((result) => result.status === 'failed')).toEqual([]);
      const recorded = results.filter((result) => result.status === 'recorded');
      expect(new Set(recorded.map((result) => result.allocationId)).size).toBe(recorded.length);
      expect(recorded).toHaveLength(items.length);
      for (const userId of users) {
        const charged = recorded
          .filter(
            (result) => items.find((item) => item.allocationId === result.allocationId)?.userId === userId,
          )
          .reduce((sum, result) => sum + BigInt(result.usage?.amountMinor ?? 'NaN'), 0n);
        expect(await app.balanceOf(userId)).toBe(100000n - charged);
        expect((await app.ledgerOf(userId)).sum).toBe(100000n - charged);
      }
    });

    it('rolls the shared transaction back when an item fails inside it, then records item by item', async () => {
      const good = [randomUUID(), randomUUID()];
      for (const userId of good) await app.topUp(userId, '1000');
      // An account in a currency without a price plan: its item fails after the account lock.
      const unpriced = randomUUID();
      await app.db.query(`INSERT INTO accounts (user_id, currency) VALUES ($1, 'XTS')`, [unpriced]);
      const items = [
        usageLasting(3600, { userId: good[0] }),
        usageLasting(3600, { userId: unpriced }),
        usageLasting(3600, { userId: good[1] }),
      ];

      const response = await app.postAsService(BILLING_ROUTES.usageBatch, { items }).expect(200);

      const { results } = response.body as UsageBatchResponse;
      expect(results.map((result) => [result.status, result.errorCode])).toEqual([
        ['recorded', undefined],
        ['failed', 'PRICING_NOT_CONFIGURED'],
        ['recorded', undefined],
      ]);
      // Nothing of the failed item, and each good one in a transaction of its own.
      expect(await transactionsOf([items[0].allocationId, items[2].allocationId])).toBe(2);
      expect(await transactionsOf([items[1].allocationId])).toBe(0);
      expect((await app.ledgerOf(unpriced)).entries).toBe(0);
      for (const userId of good) expect(await app.balanceOf(userId)).toBe(1000n - 13n);
    });
  });

  describe('price plan versions', () => {
    it('prices usage with the plan in force when it started and checks balances at today’s plan', async () => {
      const admin = app.tokens.admin();
      const before = await app.http
        .get(`/${BILLING_ROUTES.pricing}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(before.body).toMatchObject({ currency: 'USD', version: 1, baseMicrosPerHour: '2000000' });

      const changed = await app.http
        .put(`/${BILLING_ROUTES.pricing}`)
        .set('Authorization', `Bearer ${admin}`)
        .send({
          currency: 'USD',
          baseMicrosPerHour: '1000000',
          cpuCoreMicrosPerHour: '3000000',
          memoryGbMicrosPerHour: '700000',
          storageGbMicrosPerHour: '20000',
        })
        .expect(200);
      expect(changed.body).toMatchObject({ version: 2, cpuCoreMicrosPerHour: '3000000' });
      expect(Date.parse(changed.body.effectiveFrom)).toBeGreaterThan(Date.now() - 60_000);
      const current = await app.http
        .get(`/${BILLING_ROUTES.pricing}`)
        .set('Authorization', `Bearer ${admin}`);
      expect(current.body).toEqual(changed.body);

      // Started in 2025, before the change: still version 1 (12.64 c/h → 13).
      const old = await app.postAsService(BILLING_ROUTES.usage, usageLasting(3600)).expect(200);
      expect(old.body.amountMinor).toBe('13');
      // Starting after the change: version 2 (1 + 12 + 5.6 + 1.28 = 19.88 c/h → 20).
      const startedAt = new Date(Date.now() + 5_000);
      const later = usageReport({
        startedAt: startedAt.toISOString(),
        endedAt: new Date(startedAt.getTime() + 3_600_000).toISOString(),
        billedSeconds: 3600,
      });
      const recent = await app.postAsService(BILLING_ROUTES.usage, later).expect(200);
      expect(recent.body.amountMinor).toBe('20');
      const check = await app
        .postAsService(BILLING_ROUTES.balanceCheck, {
          userId: randomUUID(),
          durationSeconds: 4321,
          cpuCores: 2,
          memoryMb: 3000,
          storageGb: 10,
        })
        .expect(200);
      expect(check.body).toEqual({
        sufficient: false,
        balanceMinor: '0',
        requiredMinor: '12',
        currency: 'USD',
      });
    });

    it('prices each account in its own currency; usage of a currency without any plan is deferred (503)', async () => {
      const admin = app.tokens.admin();
      const userId = randomUUID();
      await app.db.query(`INSERT INTO accounts (user_id, currency, balance_minor) VALUES ($1, 'EUR', 0)`, [
        userId,
      ]);
      const report = usageLasting(3600, { userId });

      const unpriced = await app.postAsService(BILLING_ROUTES.usage, report).expect(503);
      expect(unpriced.body).toMatchObject({ code: 'PRICING_NOT_CONFIGURED', details: { currency: 'EUR' } });
      await app.http
        .get(`/${BILLING_ROUTES.pricing}?currency=EUR`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(404);

      await app.http
        .put(`/${BILLING_ROUTES.pricing}`)
        .set('Authorization', `Bearer ${admin}`)
        .send({
          currency: 'EUR',
          baseMicrosPerHour: '0',
          cpuCoreMicrosPerHour: '36000000', // 36 cents per core-hour
          memoryGbMicrosPerHour: '0',
          storageGbMicrosPerHour: '0',
        })
        .expect(200);
      // The resend once the plan exists: a start before a currency's first plan takes that plan.
      const priced = await app.postAsService(BILLING_ROUTES.usage, report).expect(200);
      expect(priced.body).toMatchObject({ amountMinor: '144', balanceMinor: '-144', duplicate: false }); // 4 × 36
      const account = await app.http
        .get(`/billing/accounts/${userId}`)
        .set('Authorization', `Bearer ${app.tokens.service()}`)
        .expect(200);
      expect(account.body).toMatchObject({ currency: 'EUR', balanceMinor: '-144', status: 'overdue' });
    });
  });
});
