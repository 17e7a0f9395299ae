import { randomUUID } from 'node:crypto';
import { BILLING_ROUTES, type UsageBatchResponse, type UsageRecordResponse } from '@cloudphone/contracts';
import { type BillingTestApp, usageLasting } from './billing-test-app';
import { HOUR, MINUTE, price, RunningAllocationsDriver } from './running-allocations-fixtures';

// The usage settlement statement (UsageSettlementRepository) against real Postgres and RabbitMQ: a
// report alone and a batch write their record, ledger entry, closed meter, final balance and event
// in one statement of one transaction, and a report recorded meanwhile undoes the whole statement.

describe('usage settlement statement', () => {
  let app: BillingTestApp;
  let driver: RunningAllocationsDriver;

  beforeAll(async () => {
    driver = await RunningAllocationsDriver.start();
    app = driver.app;
  });

  afterAll(async () => {
    await driver?.close();
  });

  /** The transaction ids (xmin) of the rows a usage wrote: record, ledger entry, meter, event. */
  async function writersOf(allocationId: string): Promise<Record<string, string | null>> {
    const [row] = await app.db.query<Record<string, string | null>>(
      `SELECT u.xmin::text AS record, l.xmin::text AS ledger, m.xmin::text AS meter, o.xmin::text AS event,
              m.usage_id = u.id AS "meterClosed"
       FROM usage_records u
       JOIN ledger_entries l ON l.usage_id = u.id
       LEFT JOIN running_allocations m ON m.allocation_id = u.allocation_id
       LEFT JOIN outbox o ON o.event_type = 'billing.usage_recorded' AND o.data->>'usageId' = u.id::text
       WHERE u.allocation_id = $1`,
      [allocationId],
    );
    return row;
  }

  it('records a report alone in the set statement: one transaction, a few statements, everything written', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '100000');
    const allocation = driver.allocate(userId, 2, 4);
    // The meter job listed it and sliced its first hour: the report closes a meter.
    expect(await driver.running.sliceDue(driver.at(allocation, HOUR + 2 * MINUTE))).toMatchObject({
      charged: 1,
    });
    await app.outboxDrained();
    const before = await app.metricSum('cloudphone_db_round_trips_total');

    const response = await driver.release(allocation, HOUR).expect(200);
    await app.outboxDrained();

    const answer = response.body as UsageRecordResponse;
    expect(answer).toMatchObject({ amountMinor: price(HOUR).toString(), duplicate: false });
    expect(answer.balanceMinor).toBe((100000n - price(HOUR)).toString());
    const writers = await writersOf(allocation.allocationId);
    expect(writers.meterClosed).toBe(true);
    // The event's row changed again since (the relay marked it sent): it exists, once.
    expect(writers.event).not.toBeNull();
    expect(new Set([writers.record, writers.ledger, writers.meter]).size).toBe(1);
    // Its own 8 round trips (look-up, BEGIN, accounts, price versions' lock and read, meters, the
    // settlement, COMMIT) and a relay pass or two (2 each); one step at a time took 12 of its own.
    expect((await app.metricSum('cloudphone_db_round_trips_total')) - before).toBeLessThanOrEqual(12);
    await driver.expectLedgerConsistent(userId);
  });

  it('writes nothing of a batch when one of its reports was recorded meanwhile, then records the rest item by item', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '100000');
    const items = [1, 2, 3].map((hours) => usageLasting(hours * HOUR, { userId }));
    // The middle one arrives alone first, so the batch's settlement statement finds it recorded.
    await app.postAsService(BILLING_ROUTES.usage, items[1]).expect(200);

    const response = await app.postAsService(BILLING_ROUTES.usageBatch, { items }).expect(200);

    const { results } = response.body as UsageBatchResponse;
    expect(results.map((result) => result.status)).toEqual(['recorded', 'duplicate', 'recorded']);
    const ledger = await app.ledgerOf(userId);
    expect(ledger.entries).toBe(4); // the top-up and three charges, none twice
    expect(ledger.sum).toBe(await app.balanceOf(userId));
    const charged = results.reduce((sum, result) => sum + BigInt(result.usage?.amountMinor ?? '0'), 0n);
    expect(await app.balanceOf(userId)).toBe(100000n - charged);
  });

  it('records each allocation once when reports alone and batches of the same allocations race', async () => {
    const users = [randomUUID(), randomUUID()];
    for (const userId of users) await app.topUp(userId, '1000000');
    const items = Array.from({ length: 12 }, (_, index) =>
      usageLasting(HOUR * ((index % 3) + 1), { userId: users[index % 2] }),
    );

    const answers = await Promise.all([
      app.postAsService(BILLING_ROUTES.usageBatch, { items }),
      app.postAsService(BILLING_ROUTES.usageBatch, { items: [...items].reverse() }),
      ...items.map((item) => app.postAsService(BILLING_ROUTES.usage, item)),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const recorded = await app.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM usage_records WHERE allocation_id = ANY($1::uuid[])',
      [items.map((item) => item.allocationId)],
    );
    expect(recorded[0].n).toBe('12');
    for (const userId of users) {
      const ledger = await app.ledgerOf(userId);
      expect(ledger.entries).toBe(7); // the top-up and six charges
      expect(ledger.sum).toBe(await app.balanceOf(userId));
      expect(ledger.lastBalanceAfter).toBe(ledger.sum);
    }
  });

  it('refuses a report alone whose charge would take the balance past bigint (422) and writes nothing', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '1');
    // No API reaches this balance; set it directly to stand one charge away from the edge.
    await app.db.query(`UPDATE accounts SET balance_minor = -9223372036854775800 WHERE user_id = $1`, [
      userId,
    ]);
    const report = usageLasting(HOUR, { userId });

    const response = await app.postAsService(BILLING_ROUTES.usage, report).expect(422);

    expect(response.body).toMatchObject({ code: 'BALANCE_OUT_OF_RANGE' });
    const recorded = await app.db.query('SELECT 1 FROM usage_records WHERE allocation_id = $1', [
      report.allocationId,
    ]);
    expect(recorded).toHaveLength(0);
    expect(await app.balanceOf(userId)).toBe(-9223372036854775800n);
  });
});
