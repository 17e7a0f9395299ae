import { randomUUID } from 'node:crypto';
import { type BillingUsageRecordedEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import { manualCronRunContext, waitFor } from '@cloudphone/shared/testing';
import { InvoiceStatementsRepository } from '../src/modules/invoices/invoice-statements.repository';
import { MeterRunningAllocationsJob } from '../src/modules/usage/jobs/meter-running-allocations.job';
import { RunningAllocationsRepository } from '../src/modules/usage/running-allocations.repository';
import type { RunningAllocationsService } from '../src/modules/usage/running-allocations.service';
import type { BillingTestApp } from './billing-test-app';
import { counterValue } from './coupon-fixtures';
import {
  type Allocation,
  HOUR,
  MINUTE,
  price,
  RunningAllocationsDriver,
  SPEC,
  totalCharged,
} from './running-allocations-fixtures';

// Running allocations charged in slices by meter-running-allocations, against real Postgres and
// RabbitMQ: the job asks device-service (a stand-in HTTP server) which allocations are active, its
// runs are called with the instant they run at (the clock), and usage reports arrive over HTTP.
// Whatever the order and the races, slices + final charge = the price of the billed seconds.

describe('running allocations charged in slices (meter-running-allocations)', () => {
  let app: BillingTestApp;
  let running: RunningAllocationsService;
  let driver: RunningAllocationsDriver;
  const at = (allocation: Allocation, seconds: number) => driver.at(allocation, seconds);
  const allocate = (userId: string, hoursAgo?: number, hours?: number) =>
    driver.allocate(userId, hoursAgo, hours);
  const ran = (charged: number) => ({ charged, failed: 0 });
  const release = (allocation: Allocation, billedSeconds: number) =>
    driver.release(allocation, billedSeconds);
  const slicesOf = (allocation: Allocation) => driver.slicesOf(allocation);
  const chargesOf = (userId: string) => driver.chargesOf(userId);
  const total = totalCharged;

  beforeAll(async () => {
    driver = await RunningAllocationsDriver.start();
    ({ app, running } = driver);
  });

  afterAll(async () => {
    await driver?.close();
  });

  it('slice billing adds up to exactly the billed seconds: 2.5 h sliced by two runs, then released', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10000');
    const allocation = allocate(userId);
    const slicedBefore = await counterValue(app, 'cloudphone_billing_usage_sliced_minor_total');

    expect(await running.sliceDue(at(allocation, HOUR + 5 * MINUTE))).toMatchObject(ran(1));
    expect(await app.balanceOf(userId)).toBe(10000n - 13n); // 12.64 → 13
    expect(await running.sliceDue(at(allocation, HOUR + 50 * MINUTE))).toMatchObject(ran(0));
    expect(await running.sliceDue(at(allocation, 2 * HOUR + 5 * MINUTE))).toMatchObject(ran(1));
    expect(await app.balanceOf(userId)).toBe(10000n - 26n); // 25.28 → 26: 13 more

    const response = await release(allocation, 9000).expect(200);

    // 31.6 → 32 in all: the report charges the 6 the slices did not (not ceil(6.32) = 7).
    expect(response.body).toMatchObject({ amountMinor: '32', balanceMinor: '9968', duplicate: false });
    expect(price(9000)).toBe(32n);
    expect(await slicesOf(allocation)).toEqual([
      ['slice', 0, HOUR, '13'],
      ['slice', HOUR, 2 * HOUR, '13'],
    ]);
    const charges = await chargesOf(userId);
    expect(charges).toEqual([
      ['usage_slice', -13n],
      ['usage_slice', -13n],
      ['usage_charge', -6n],
    ]);
    expect(total(charges)).toBe(price(9000));
    const [record] = await app.db.query(
      'SELECT amount_minor, sliced_seconds, sliced_minor FROM usage_records WHERE allocation_id = $1',
      [allocation.allocationId],
    );
    expect(record).toEqual({ amount_minor: '32', sliced_seconds: 2 * HOUR, sliced_minor: '26' });
    await driver.expectLedgerConsistent(userId);
    expect((await counterValue(app, 'cloudphone_billing_usage_sliced_minor_total')) - slicedBefore).toBe(26);
    const recorded = await waitFor(
      () => app.eventsFor<BillingUsageRecordedEventData>(DOMAIN_EVENTS.billingUsageRecorded, userId)[0],
      { description: 'billing.usage_recorded' },
    );
    expect(recorded).toMatchObject({ amountMinor: '32', billedSeconds: 9000, balanceMinor: '9968' });

    // The month's statement shows one allocation of 9000 s for 32, slices and report together.
    const accountId = await driver.accountIdOf(userId);
    const statement = await app.service.app
      .get(InvoiceStatementsRepository, { strict: false })
      .statement(accountId, `${new Date().toISOString().slice(0, 7)}-01`);
    const usage = statement.groups.filter((group) => group.ledgerKind === 'usage_charge');
    expect(usage.every((group) => group.quantity === 1)).toBe(true);
    expect(usage.reduce((sum, group) => sum + (group.seconds ?? 0n), 0n)).toBe(9000n);
    expect(usage.reduce((sum, group) => sum + group.amountMinor, 0n)).toBe(-32n);
  });

  it('charges each slice once when runs race each other and the usage reports', async () => {
    const users = [randomUUID(), randomUUID()];
    for (const userId of users) await app.topUp(userId, '10000');
    const allocations: Allocation[] = [];
    for (const userId of [...users, ...users]) allocations.push(allocate(userId));
    const [first] = allocations;

    const runs = await Promise.all(
      [1, 2, 3, 4].map(() => running.sliceDue(at(first, 2 * HOUR + 5 * MINUTE))),
    );
    expect(runs.reduce((sum, run) => sum + run.charged, 0)).toBe(4);
    expect(runs.every((run) => run.failed === 0)).toBe(true);
    for (const allocation of allocations) {
      // A run that missed the first hour catches up in one slice of two hours: 25.28 → 26.
      expect(await slicesOf(allocation)).toEqual([['slice', 0, 2 * HOUR, '26']]);
    }

    // Three more runs race the usage reports of two allocations (each billed 3 h 4 min).
    const [, , released, alsoReleased] = allocations;
    const later = at(first, 3 * HOUR + 5 * MINUTE);
    const [, , report, otherReport] = await Promise.all([
      running.sliceDue(later),
      running.sliceDue(later),
      release(released, 3 * HOUR + 4 * MINUTE),
      release(alsoReleased, 3 * HOUR + 4 * MINUTE),
      running.sliceDue(later),
    ]);
    expect([report.status, otherReport.status]).toEqual([200, 200]);
    for (const allocation of [released, alsoReleased]) {
      const slices = await slicesOf(allocation);
      const sliced = slices.reduce((sum, slice) => sum + BigInt(slice[3]), 0n);
      const [record] = await app.db.query<{ amount_minor: string; sliced_minor: string }>(
        'SELECT amount_minor, sliced_minor FROM usage_records WHERE allocation_id = $1',
        [allocation.allocationId],
      );
      // Sliced before the report or not: the whole is the price of 11,040 s (38.76 → 39).
      expect(record).toEqual({
        amount_minor: price(3 * HOUR + 4 * MINUTE).toString(),
        sliced_minor: sliced.toString(),
      });
      expect(record.amount_minor).toBe('39');
    }
    for (const allocation of allocations.slice(0, 2)) {
      expect(await slicesOf(allocation)).toEqual([
        ['slice', 0, 2 * HOUR, '26'],
        ['slice', 2 * HOUR, 3 * HOUR, '12'], // 37.92 → 38, of which 26 charged
      ]);
    }

    // The rest released too: every allocation cost exactly its price, each user's ledger adds up.
    for (const allocation of allocations.slice(0, 2))
      await release(allocation, 3 * HOUR + 30 * MINUTE).expect(200);
    for (const userId of users) {
      expect(total(await chargesOf(userId))).toBe(
        price(3 * HOUR + 4 * MINUTE) + price(3 * HOUR + 30 * MINUTE),
      );
      await driver.expectLedgerConsistent(userId);
    }
  });

  it('slices a position once even without the account lock: the INSERT checks it, the constraint decides', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10');
    // Started now: no run of these tests finds it due.
    const allocation = allocate(userId, 0);
    const accountId = await driver.accountIdOf(userId);
    const [{ id: planId }] = await app.db.query<{ id: string }>(
      `SELECT id FROM price_plans WHERE currency = 'USD'`,
    );
    const meters = app.service.app.get(RunningAllocationsRepository);
    // Its meter, as a run that listed it would start it.
    await meters.upsertListed([
      {
        ...allocation,
        tenantId: 'default',
        ...SPEC,
        expiresAt: at(allocation, 4 * HOUR),
      },
    ]);
    const slice = (secondsFrom: number, secondsTo: number) =>
      meters.insertSlice({
        id: randomUUID(),
        allocationId: allocation.allocationId,
        accountId,
        kind: 'slice',
        secondsFrom,
        secondsTo,
        amountMinor: 13n,
        pricePlanId: planId,
        currency: 'USD',
      });

    const raced = await Promise.all(Array.from({ length: 8 }, () => slice(0, HOUR)));
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await slice(0, 2 * HOUR)).toBe(false); // the meter has left 0
    expect(await slice(2 * HOUR, 3 * HOUR)).toBe(false); // nor skips to where it is not
    expect(await slicesOf(allocation)).toEqual([['slice', 0, HOUR, '13']]);
    const [meter] = await app.db.query(
      'SELECT sliced_seconds, sliced_minor FROM running_allocations WHERE allocation_id = $1',
      [allocation.allocationId],
    );
    expect(meter).toEqual({ sliced_seconds: HOUR, sliced_minor: '13' });
    driver.end(allocation);
  });

  it('the usage report arriving before a slice, or twice, changes nothing more', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10000');
    const allocation = allocate(userId);

    const first = await release(allocation, 9000).expect(200);
    const again = await release(allocation, 9000).expect(200);
    expect(first.body).toMatchObject({ amountMinor: '32', balanceMinor: '9968', duplicate: false });
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(await running.sliceDue(at(allocation, 2 * HOUR + 5 * MINUTE))).toMatchObject(ran(0));
    expect(await running.sliceOne(allocation.allocationId, at(allocation, 3 * HOUR))).toBe('skipped');
    expect(await slicesOf(allocation)).toEqual([]);
    expect(await chargesOf(userId)).toEqual([['usage_charge', -32n]]);

    // A report recorded between the list that named its allocation and the meter: no meter starts.
    const late = {
      allocationId: randomUUID(),
      userId,
      deviceId: randomUUID(),
      startedAt: allocation.startedAt,
    };
    await release(late, 9000).expect(200);
    driver.activate(late, 4);
    expect(
      await app.db.query('SELECT 1 FROM running_allocations WHERE allocation_id = $1', [late.allocationId]),
    ).toEqual([]);
    expect(await running.sliceDue(at(late, 3 * HOUR))).toMatchObject(ran(0));
    expect(await app.balanceOf(userId)).toBe(10000n - 64n);
    await driver.expectLedgerConsistent(userId);
  });

  it('never slices a released allocation after its final charge', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10000');
    const allocation = allocate(userId);
    await running.sliceDue(at(allocation, HOUR + 5 * MINUTE));

    await release(allocation, 90 * MINUTE).expect(200); // 18.96 → 19: 13 sliced, 6 more
    for (const hours of [2, 3, 5]) await running.sliceDue(at(allocation, hours * HOUR + 5 * MINUTE));

    expect(await slicesOf(allocation)).toEqual([['slice', 0, HOUR, '13']]);
    expect(await chargesOf(userId)).toEqual([
      ['usage_slice', -13n],
      ['usage_charge', -6n],
    ]);
    expect(price(90 * MINUTE)).toBe(19n);
  });

  it('stops at the expiry and once device-service no longer lists it; an extension lets it go on', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10000');
    const allocation = allocate(userId, 3, 1.5);

    await running.sliceDue(at(allocation, 2 * HOUR + 5 * MINUTE));
    await running.sliceDue(at(allocation, 3 * HOUR));
    expect(await slicesOf(allocation)).toEqual([['slice', 0, HOUR, '13']]);

    // Extended to 5 h: device-service lists the new expiry.
    driver.activate(allocation, 5);
    await running.sliceDue(at(allocation, 2 * HOUR + 5 * MINUTE));
    driver.end(allocation);
    await running.sliceDue(at(allocation, 4 * HOUR));
    expect(await slicesOf(allocation)).toEqual([
      ['slice', 0, HOUR, '13'],
      ['slice', HOUR, 2 * HOUR, '13'],
    ]);

    await release(allocation, 9000).expect(200);
    expect(total(await chargesOf(userId))).toBe(price(9000));
  });

  it('gives back what slices took beyond the billed seconds (device-service billed fewer), exactly once', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10000');
    const allocation = allocate(userId);
    await running.sliceDue(at(allocation, 2 * HOUR + 5 * MINUTE)); // 26 for 2 h

    // device-service billed 5000 s (17.56 → 18): its release reached billing only after the slice.
    const response = await release(allocation, 5000).expect(200);
    await release(allocation, 5000).expect(200);

    expect(response.body).toMatchObject({ amountMinor: '18', balanceMinor: '9982' });
    expect(await slicesOf(allocation)).toEqual([
      ['slice', 0, 2 * HOUR, '26'],
      ['refund', 2 * HOUR, 5000, '-8'],
    ]);
    expect(await chargesOf(userId)).toEqual([
      ['usage_slice', -26n],
      ['usage_charge', 0n],
      ['usage_slice', 8n],
    ]);
    expect(total(await chargesOf(userId))).toBe(price(5000));
    await driver.expectLedgerConsistent(userId);
  });

  it('runs as an hourly cluster-safe job, listed at /internal/cron', async () => {
    const listing = await app.http
      .get('/internal/cron')
      .set('Authorization', `Bearer ${app.tokens.admin()}`)
      .expect(200);
    expect((listing.body as { jobs: unknown[] }).jobs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'meter-running-allocations', declaredExpression: '29 * * * *' }),
      ]),
    );
    await expect(
      app.service.app.get(MeterRunningAllocationsJob).run(manualCronRunContext()),
    ).resolves.toBeUndefined();
  });
});
