import { randomUUID } from 'node:crypto';
import { decode } from 'jsonwebtoken';
import { DependencyUnavailableError } from '@cloudphone/shared';
import { manualCronRunContext } from '@cloudphone/shared/testing';
import { MeterRunningAllocationsJob } from '../src/modules/usage/jobs/meter-running-allocations.job';
import type { RunningAllocationsService } from '../src/modules/usage/running-allocations.service';
import type { BillingTestApp } from './billing-test-app';
import { counterValue } from './coupon-fixtures';
import { type Allocation, HOUR, MINUTE, RunningAllocationsDriver } from './running-allocations-fixtures';

// Which allocations run, asked of device-service (a stand-in HTTP server speaking its list API) at
// each run of meter-running-allocations, against real Postgres: every page by id cursor, only the
// active allocations a whole slice old, nothing sliced after device-service stops listing one, an item
// it describes wrongly left out alone, and a run that cannot reach device-service slices nothing and
// fails (the next run catches up).

describe('meter-running-allocations asks device-service which allocations run', () => {
  let driver: RunningAllocationsDriver;
  let app: BillingTestApp;
  let running: RunningAllocationsService;

  beforeAll(async () => {
    driver = await RunningAllocationsDriver.start();
    ({ app, running } = driver);
  });

  afterAll(async () => {
    await driver?.close();
  });

  const meterCount = async (allocations: Allocation[]) =>
    (
      await app.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM running_allocations WHERE allocation_id = ANY($1::uuid[])',
        [allocations.map((allocation) => allocation.allocationId)],
      )
    )[0].n;
  const slicedOf = async (allocations: Allocation[]) =>
    (
      await app.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM usage_slices WHERE kind = 'slice' AND allocation_id = ANY($1::uuid[])`,
        [allocations.map((allocation) => allocation.allocationId)],
      )
    )[0].n;

  it('pages through every active allocation by id, and slices each due one once', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '1000000');
    // 230 running for 3 h, 5 that started too recently for a whole slice, 5 already released.
    const due = Array.from({ length: 230 }, () => driver.allocate(userId, 3, 4));
    const recent = Array.from({ length: 5 }, () => driver.allocate(userId, 0.5, 4));
    const released = Array.from({ length: 5 }, () => driver.allocate(userId, 3, 4));
    for (const allocation of released) driver.end(allocation);
    const listedBefore = await counterValue(app, 'cloudphone_billing_meter_listed_allocations_total');
    const requestsBefore = driver.deviceService.listRequests.length;

    const run = await running.sliceDue(new Date());

    expect(run).toEqual({ listed: 230, charged: 230, failed: 0, skipped: 0 });
    expect(await slicedOf(due)).toBe(230);
    // Only listed allocations get a meter.
    expect(await meterCount([...recent, ...released])).toBe(0);
    expect(
      (await counterValue(app, 'cloudphone_billing_meter_listed_allocations_total')) - listedBefore,
    ).toBe(230);
    // Three pages of 100, 100 and 30, each after the previous page's last id.
    const ids = due.map((allocation) => allocation.allocationId).sort();
    const requests = driver.deviceService.listRequests.slice(requestsBefore);
    expect(requests.map(({ url }) => url.searchParams.get('afterId'))).toEqual([null, ids[99], ids[199]]);
    for (const { url, authorization } of requests) {
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        status: 'active',
        sort: 'id',
        limit: '100',
      });
      // billing-service's own service token (device-service verifies its signature).
      expect(decode(authorization?.replace(/^Bearer /, '') ?? '')).toMatchObject({
        sub: 'billing-service',
        typ: 'service',
      });
    }

    // Run again: nothing more is due; the meters stay as they are.
    expect(await running.sliceDue(new Date())).toEqual({ listed: 230, charged: 0, failed: 0, skipped: 0 });
    expect(await slicedOf(due)).toBe(230);
    for (const allocation of [...due, ...recent]) driver.end(allocation);
  });

  it('slices nothing more once device-service no longer lists an allocation, report or not', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10000');
    const allocation = driver.allocate(userId, 3, 4);
    expect(await running.sliceDue(driver.at(allocation, HOUR + 5 * MINUTE))).toMatchObject({ charged: 1 });

    // Ended at device-service; its usage report has not arrived yet (the meter stays open).
    driver.end(allocation);
    for (const hours of [2, 3]) {
      expect(await running.sliceDue(driver.at(allocation, hours * HOUR + 5 * MINUTE))).toMatchObject({
        charged: 0,
      });
    }
    expect(await driver.slicesOf(allocation)).toEqual([['slice', 0, HOUR, '13']]);
    await driver.release(allocation, 150 * MINUTE).expect(200);
    await driver.expectLedgerConsistent(userId);
  });

  it('leaves out an item device-service describes wrongly, and meters the rest of its page', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '1000000');
    const good = Array.from({ length: 3 }, () => driver.allocate(userId, 3, 4));
    // Each would fail the page's statement: a NUL byte, a negative spec, a date that does not parse.
    const wrong = [{ tenantId: 'a\u0000b' }, { cpuCores: -2 }, { expiresAt: 'not a date' }].map(
      (override) => {
        const allocation = driver.allocate(userId, 3, 4);
        driver.deviceService.misdescribe(allocation.allocationId, override);
        return allocation;
      },
    );
    const skippedBefore = await counterValue(app, 'cloudphone_billing_meter_skipped_allocations_total');

    const run = await running.sliceDue(new Date());

    expect(run).toEqual({ listed: 6, charged: 3, failed: 0, skipped: 3 });
    expect(await slicedOf(good)).toBe(3);
    expect(await meterCount(wrong)).toBe(0);
    expect(
      (await counterValue(app, 'cloudphone_billing_meter_skipped_allocations_total')) - skippedBefore,
    ).toBe(3);
    for (const allocation of [...good, ...wrong]) driver.end(allocation);
  });

  it('while device-service is unreachable a run slices nothing and fails; the next one catches up', async () => {
    const userId = randomUUID();
    await app.topUp(userId, '10000');
    const allocation = driver.allocate(userId, 3, 4);
    driver.deviceService.down();
    try {
      await expect(running.sliceDue(driver.at(allocation, 2 * HOUR + 5 * MINUTE))).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
      await expect(
        app.service.app.get(MeterRunningAllocationsJob).run(manualCronRunContext()),
      ).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(await meterCount([allocation])).toBe(0);
    } finally {
      driver.deviceService.up();
    }
    // Two hours in one slice, as if no run had been missed.
    expect(await running.sliceDue(driver.at(allocation, 2 * HOUR + 5 * MINUTE))).toMatchObject({
      charged: 1,
    });
    expect(await driver.slicesOf(allocation)).toEqual([['slice', 0, 2 * HOUR, '26']]);
    await driver.release(allocation, 2 * HOUR + 30 * MINUTE).expect(200);
    await driver.expectLedgerConsistent(userId);
  });
});
