import { randomUUID } from 'node:crypto';
import {
  BILLING_ROUTES,
  type BillingBalanceLowEventData,
  type BillingOverdueEventData,
  type BillingUsageRecordedEventData,
  DOMAIN_EVENTS,
  type UsageBatchResponse,
} from '@cloudphone/contracts';
import { MetricsService } from '@cloudphone/shared';
import { gaugeValues, manualCronRunContext, waitFor } from '@cloudphone/shared/testing';
import { LedgerReconciliationJob } from '../src/modules/accounts/jobs/ledger-reconciliation.job';
import { OverdueDetectionJob } from '../src/modules/accounts/jobs/overdue-detection.job';
import { BillingTestApp, usageLasting } from './billing-test-app';

// billing.usage_recorded, billing.balance_low and billing.overdue as they reach RabbitMQ through the
// outbox: one per crossing, however the charges interleave.

const THRESHOLD = 500;

describe('billing-service events', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await BillingTestApp.start({ BILLING_LOW_BALANCE_THRESHOLD_MINOR: String(THRESHOLD) });
    // A plan in force for every test start: one cent per core-second, so cpuCores × seconds = cents.
    await app.db.query(
      `INSERT INTO price_plans (currency, version, base_micros_per_hour, cpu_core_micros_per_hour,
                                memory_gb_micros_per_hour, storage_gb_micros_per_hour, effective_from)
       VALUES ('USD', 2, 0, 3600000000, 0, 0, '2000-01-01T00:00:00Z')`,
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  /**
   * Charges `cents` to the user: a 1-core allocation of as many seconds (the plan prices only
   * cores, so the default spec's memory and storage cost nothing).
   */
  function charge(userId: string, cents: number) {
    return app.postAsService(BILLING_ROUTES.usage, usageLasting(cents, { userId, cpuCores: 1 }));
  }

  async function outboxCounts(userId: string): Promise<Record<string, number>> {
    const rows = await app.db.query<{ event_type: string; count: string }>(
      `SELECT event_type, COUNT(*) AS count FROM outbox WHERE data->>'userId' = $1 GROUP BY event_type`,
      [userId],
    );
    return Object.fromEntries(rows.map((row) => [row.event_type, Number(row.count)]));
  }

  /** Waits until the observer holds `expected` events per type for the user, then checks no more came. */
  async function expectDelivered(userId: string, expected: Record<string, number>): Promise<void> {
    const delivered = () =>
      Object.fromEntries(
        Object.keys(expected).map((type) => [
          type,
          new Set(
            app.observer.received
              .filter(
                ({ envelope }) =>
                  envelope.type === type && (envelope.data as { userId: string }).userId === userId,
              )
              .map(({ envelope }) => envelope.id),
          ).size,
        ]),
      );
    await waitFor(() => Object.entries(expected).every(([type, count]) => delivered()[type] >= count), {
      timeoutMs: 20_000,
      description: `events ${JSON.stringify(expected)} for user ${userId}`,
    });
    expect(delivered()).toEqual(expected);
    expect(await outboxCounts(userId)).toEqual(
      Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0)),
    );
  }

  it('announces each usage, and each low-balance and overdue crossing exactly once', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '1000');

    const balances: string[] = [];
    for (const step of [
      () => charge(userId, 300), // 700
      () => charge(userId, 200), // 500: at the threshold, not below it
      () => charge(userId, 1), // 499: low #1
      () => charge(userId, 100), // 399
      () => charge(userId, 400), // -1: overdue #1
      () => charge(userId, 50), // -51
      () => app.topUp(userId, '1000'), // 949: active again, re-armed
      () => charge(userId, 500), // 449: low #2
      () => charge(userId, 1000), // -551: overdue #2
    ]) {
      await step();
      balances.push((await app.balanceOf(userId)).toString());
    }
    expect(balances).toEqual(['700', '500', '499', '399', '-1', '-51', '949', '449', '-551']);

    await expectDelivered(userId, {
      [DOMAIN_EVENTS.billingUsageRecorded]: 8,
      [DOMAIN_EVENTS.billingBalanceLow]: 2,
      [DOMAIN_EVENTS.billingOverdue]: 2,
    });
    expect(app.eventsFor<BillingBalanceLowEventData>(DOMAIN_EVENTS.billingBalanceLow, userId)).toEqual([
      { userId, tenantId: 'default', balanceMinor: '499', thresholdMinor: '500', currency: 'USD' },
      { userId, tenantId: 'default', balanceMinor: '449', thresholdMinor: '500', currency: 'USD' },
    ]);
    expect(app.eventsFor<BillingOverdueEventData>(DOMAIN_EVENTS.billingOverdue, userId)).toEqual([
      { userId, tenantId: 'default', balanceMinor: '-1', currency: 'USD' },
      { userId, tenantId: 'default', balanceMinor: '-551', currency: 'USD' },
    ]);
  });

  it('announces crossings exactly once when a batch carries them (the batch goes item by item)', async () => {
    const quiet = randomUUID();
    const crossing = randomUUID();
    await app.topUp(quiet, '2000');
    await app.topUp(crossing, '1000');
    const quietItems = [300, 200].map((cents) => usageLasting(cents, { userId: quiet, cpuCores: 1 }));
    // 1000 → 700 → 499 (low) → -1 (overdue): two crossings inside one batch.
    const crossingItems = [300, 201, 500].map((cents) =>
      usageLasting(cents, { userId: crossing, cpuCores: 1 }),
    );

    const first = await app.postAsService(BILLING_ROUTES.usageBatch, { items: quietItems }).expect(200);
    const second = await app
      .postAsService(BILLING_ROUTES.usageBatch, { items: [...crossingItems, ...quietItems] })
      .expect(200);

    // Charged in allocation order: each answer carries the balance right after its own charge.
    const [earlier, later] = [0, 1].sort((a, b) =>
      quietItems[a].allocationId.localeCompare(quietItems[b].allocationId),
    );
    const answers = (first.body as UsageBatchResponse).results.map((result) => result.usage?.balanceMinor);
    expect(answers[earlier]).toBe(String(2000 - quietItems[earlier].billedSeconds));
    expect(answers[later]).toBe('1500');
    expect((second.body as UsageBatchResponse).results.map((result) => result.status)).toEqual([
      'recorded',
      'recorded',
      'recorded',
      'duplicate',
      'duplicate',
    ]);
    expect(await app.balanceOf(crossing)).toBe(-1n);
    expect(await app.ledgerOf(crossing)).toEqual({ sum: -1n, entries: 4, lastBalanceAfter: -1n });
    await expectDelivered(crossing, {
      [DOMAIN_EVENTS.billingUsageRecorded]: 3,
      [DOMAIN_EVENTS.billingBalanceLow]: 1,
      [DOMAIN_EVENTS.billingOverdue]: 1,
    });
    await expectDelivered(quiet, { [DOMAIN_EVENTS.billingUsageRecorded]: 2 });
    expect(await app.ledgerOf(quiet)).toEqual({ sum: 1500n, entries: 3, lastBalanceAfter: 1500n });
  });

  it('sends billing.usage_recorded as a versioned envelope from billing-service', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10000');
    const report = usageLasting(90, { userId, tenantId: 'acme', cpuCores: 2 });
    const response = await app.postAsService(BILLING_ROUTES.usage, report).expect(200);
    await app.postAsService(BILLING_ROUTES.usage, report).expect(200); // a resend announces nothing

    await expectDelivered(userId, { [DOMAIN_EVENTS.billingUsageRecorded]: 1 });
    const message = app.observer.received.find(
      ({ envelope }) => (envelope.data as BillingUsageRecordedEventData).usageId === response.body.usageId,
    );
    expect(message?.envelope).toMatchObject({
      type: 'billing.usage_recorded',
      version: 1,
      source: 'billing-service',
      data: {
        usageId: response.body.usageId,
        allocationId: report.allocationId,
        userId,
        tenantId: 'default', // the account's tenant: it was opened by the top-up
        billedSeconds: 90,
        amountMinor: '180',
        balanceMinor: '9820',
        currency: 'USD',
      } satisfies BillingUsageRecordedEventData,
    });
    expect(message?.message.fields.routingKey).toBe('billing.usage_recorded');
  });

  it('announces one low-balance and one overdue crossing when 20 charges race across each line', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '1000');

    // 20 × 30 = 600: 1000 → 400 crosses 500 once.
    await Promise.all(Array.from({ length: 20 }, () => charge(userId, 30).expect(200)));
    // 20 × 30 = 600: 400 → -200 crosses 0 once (and not 500 again).
    await Promise.all(Array.from({ length: 20 }, () => charge(userId, 30).expect(200)));

    expect(await app.balanceOf(userId)).toBe(-200n);
    await expectDelivered(userId, {
      [DOMAIN_EVENTS.billingUsageRecorded]: 40,
      [DOMAIN_EVENTS.billingBalanceLow]: 1,
      [DOMAIN_EVENTS.billingOverdue]: 1,
    });
  });

  it('overdue detection flags an account left negative but active, once, even when run twice at once', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10');
    // A balance changed by hand (with its ledger entry), bypassing the status rule.
    await app.db.query(
      `WITH account AS (UPDATE accounts SET balance_minor = -5 WHERE user_id = $1 RETURNING id)
       INSERT INTO ledger_entries (account_id, kind, amount_minor, balance_after_minor, created_by)
       SELECT id, 'opening_balance', -15, -5, 'test' FROM account`,
      [userId],
    );

    const runs = await Promise.all([app.accounts.detectOverdue(), app.accounts.detectOverdue()]);

    expect(runs.reduce((sum, run) => sum + run.flaggedOverdue, 0)).toBe(1);
    expect(await app.accounts.detectOverdue()).toEqual({ flaggedOverdue: 0, reactivated: 0 });
    const [account] = await app.db.query('SELECT status FROM accounts WHERE user_id = $1', [userId]);
    expect(account).toEqual({ status: 'overdue' });
    await expectDelivered(userId, { [DOMAIN_EVENTS.billingOverdue]: 1 });
    expect(await app.accounts.findLedgerMismatches()).toEqual([]);
  });

  it('overdue detection reactivates an account marked overdue whose balance is not negative', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10');
    await app.db.query(`UPDATE accounts SET status = 'overdue' WHERE user_id = $1`, [userId]);

    expect(await app.accounts.detectOverdue()).toEqual({ flaggedOverdue: 0, reactivated: 1 });
    const [account] = await app.db.query('SELECT status FROM accounts WHERE user_id = $1', [userId]);
    expect(account).toEqual({ status: 'active' });
    expect(await outboxCounts(userId)).toEqual({});
  });

  it('schedules both repairs as cluster-safe jobs: overdue detection and hourly ledger reconciliation', async () => {
    const listing = await app.http
      .get('/internal/cron')
      .set('Authorization', `Bearer ${app.tokens.admin()}`)
      .expect(200);
    const jobs = (listing.body as { jobs: Array<{ name: string; expression: string }> }).jobs;
    expect(jobs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'overdue-detection', expression: '* * * * *' }),
        expect.objectContaining({ name: 'ledger-reconciliation', expression: '17 * * * *' }),
      ]),
    );
    const userId = randomUUID();
    await app.topUp(userId, '10');
    await app.db.query(
      `WITH account AS (UPDATE accounts SET balance_minor = -3 WHERE user_id = $1 RETURNING id)
       INSERT INTO ledger_entries (account_id, kind, amount_minor, balance_after_minor, created_by)
       SELECT id, 'opening_balance', -13, -3, 'test' FROM account`,
      [userId],
    );
    await app.service.app.get(OverdueDetectionJob).detect(manualCronRunContext());
    const [account] = await app.db.query('SELECT status FROM accounts WHERE user_id = $1', [userId]);
    expect(account).toEqual({ status: 'overdue' });
    await expectDelivered(userId, { [DOMAIN_EVENTS.billingOverdue]: 1 });

    const metrics = app.service.app.get(MetricsService);
    await app.service.app.get(LedgerReconciliationJob).reconcile(manualCronRunContext());
    expect(await gaugeValues(metrics, 'cloudphone_billing_ledger_mismatches')).toEqual([
      { labels: {}, value: 0 },
    ]);
    // A balance moved without its ledger entry is what reconciliation exists to catch.
    await app.db.query(`UPDATE accounts SET balance_minor = balance_minor + 1 WHERE user_id = $1`, [userId]);
    await app.service.app.get(LedgerReconciliationJob).reconcile(manualCronRunContext());
    expect(await gaugeValues(metrics, 'cloudphone_billing_ledger_mismatches')).toEqual([
      { labels: {}, value: 1 },
    ]);
    await app.db.query(`UPDATE accounts SET balance_minor = balance_minor - 1 WHERE user_id = $1`, [userId]);
  });
});
