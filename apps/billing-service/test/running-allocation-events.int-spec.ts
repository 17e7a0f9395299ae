import { randomUUID } from 'node:crypto';
import {
  type DeviceAllocatedEventData,
  type DeviceReleasedEventData,
  DOMAIN_EVENTS,
} from '@cloudphone/contracts';
import { MetricsService, TransactionRunner } from '@cloudphone/shared';
import { publishEventTo, sumMetricSamples, waitFor } from '@cloudphone/shared/testing';
import { RunningAllocationsService } from '../src/modules/usage/running-allocations.service';
import { BillingTestApp } from './billing-test-app';
import { counterValue } from './coupon-fixtures';
import { HOUR, SPEC } from './running-allocations-fixtures';

// Bursts of `device.allocated` / `device.released` against real RabbitMQ and Postgres: the events
// billing-service consumes at the same time share one statement per batch. Every start and end is
// written exactly once whatever the batching, repeats change nothing, and an event the database
// refuses fails alone (retried, then dead-lettered) while the rest of its batch is written.

describe('running allocations from bursts of allocation events', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await BillingTestApp.start();
  });

  afterAll(async () => {
    await app?.close();
  });

  const publish = <T>(type: string, data: T) =>
    publishEventTo(app.observer, { namespace: app.namespace, service: 'billing-service' }, type, data);
  const metric = async (name: string, labels: Record<string, string>) =>
    sumMetricSamples(await app.service.app.get(MetricsService).registry.metrics(), name, labels);
  const consumed = (type: string, outcome: string) =>
    counterValue(app, 'cloudphone_events_consumed_total', { type, outcome });
  const batchedItems = (operation: string) =>
    metric('cloudphone_billing_meter_event_batch_items_sum', { operation });
  const started = (allocationId: string, startedAt: Date, expiresAt: Date): DeviceAllocatedEventData => ({
    allocationId,
    userId: randomUUID(),
    deviceId: randomUUID(),
    tenantId: 'default',
    region: 'eu-west-1',
    ...SPEC,
    startedAt: startedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    fencingToken: '1',
  });
  const meters = (ids: string[]) =>
    app.db.query<{ allocation_id: string; ended_at: Date | null }>(
      `SELECT allocation_id, ended_at FROM running_allocations WHERE allocation_id = ANY($1::uuid[])`,
      [ids],
    );

  it('starts and ends every meter of a burst once, repeats included', async () => {
    const startedAt = new Date(Date.now() - HOUR * 1000);
    const expiresAt = new Date(startedAt.getTime() + 4 * HOUR * 1000);
    const starts = Array.from({ length: 40 }, () => started(randomUUID(), startedAt, expiresAt));
    const ids = starts.map((start) => start.allocationId);
    const handledBefore = await consumed(DOMAIN_EVENTS.deviceAllocated, 'handled');
    const batchedBefore = await batchedItems('start');

    // Each start twice (a redelivery), all at once.
    await Promise.all([...starts, ...starts].map((start) => publish(DOMAIN_EVENTS.deviceAllocated, start)));
    await waitFor(
      async () => (await consumed(DOMAIN_EVENTS.deviceAllocated, 'handled')) - handledBefore >= 80,
      {
        description: '80 starts handled',
      },
    );
    expect((await meters(ids)).map((meter) => meter.ended_at)).toEqual(Array(40).fill(null));
    // Every start went through a batch statement (however the burst was cut into batches).
    expect((await batchedItems('start')) - batchedBefore).toBe(80);

    // An end of each, half of them twice (a redelivery); then a later end of each: the first stays.
    const endedAt = new Date(startedAt.getTime() + 30 * 60_000);
    const endOf = (start: DeviceAllocatedEventData, late: number): DeviceReleasedEventData => ({
      allocationId: start.allocationId,
      userId: start.userId,
      deviceId: start.deviceId,
      tenantId: 'default',
      startedAt: start.startedAt,
      endedAt: new Date(endedAt.getTime() + late).toISOString(),
      billedSeconds: 1800 + late / 1000,
      reason: 'released',
      fencingToken: '1',
    });
    for (const ends of [
      [...starts, ...starts.slice(0, 20)].map((start) => endOf(start, 0)),
      starts.map((start) => endOf(start, 60_000)),
    ]) {
      const endsBefore = await consumed(DOMAIN_EVENTS.deviceReleased, 'handled');
      await Promise.all(ends.map((end) => publish(DOMAIN_EVENTS.deviceReleased, end)));
      await waitFor(
        async () => (await consumed(DOMAIN_EVENTS.deviceReleased, 'handled')) - endsBefore >= ends.length,
        { description: `${ends.length} ends handled` },
      );
    }
    const ended = await meters(ids);
    expect(ended).toHaveLength(40);
    for (const meter of ended) expect(meter.ended_at?.getTime()).toBe(endedAt.getTime());
  });

  it('fails only the event the database refuses, and writes the rest of its batch', async () => {
    const startedAt = new Date(Date.now() - HOUR * 1000);
    const expiresAt = new Date(startedAt.getTime() + HOUR * 1000);
    const good = Array.from({ length: 20 }, () => started(randomUUID(), startedAt, expiresAt));
    // Expiring before it starts: running_allocations_period_check refuses it, every time.
    const bad = started(randomUUID(), startedAt, new Date(startedAt.getTime() - 1000));
    const retriedBefore = await consumed(DOMAIN_EVENTS.deviceAllocated, 'retried');
    const handledBefore = await consumed(DOMAIN_EVENTS.deviceAllocated, 'handled');

    await Promise.all(
      [...good.slice(0, 10), bad, ...good.slice(10)].map((start) =>
        publish(DOMAIN_EVENTS.deviceAllocated, start),
      ),
    );
    await waitFor(
      async () => (await consumed(DOMAIN_EVENTS.deviceAllocated, 'handled')) - handledBefore >= 20,
      {
        description: 'the 20 good starts handled',
      },
    );
    await waitFor(async () => (await consumed(DOMAIN_EVENTS.deviceAllocated, 'retried')) > retriedBefore, {
      description: 'the refused start retried',
    });
    expect(await meters(good.map((start) => start.allocationId))).toHaveLength(20);
    expect(await meters([bad.allocationId])).toEqual([]);
  });

  it('writes a start or an end made inside a transaction in that transaction, not in a batch', async () => {
    const running = app.service.app.get(RunningAllocationsService);
    const transactions = app.service.app.get(TransactionRunner);
    const startedAt = new Date(Date.now() - HOUR * 1000);
    const start = {
      allocationId: randomUUID(),
      userId: randomUUID(),
      tenantId: 'default',
      deviceId: randomUUID(),
      ...SPEC,
      startedAt,
      expiresAt: new Date(startedAt.getTime() + HOUR * 1000),
    };
    const rolledBack = transactions.run(async () => {
      await running.started(start);
      throw new Error('rolled back');
    });
    await expect(rolledBack).rejects.toThrow('rolled back');
    expect(await meters([start.allocationId])).toEqual([]);

    await transactions.run(() => running.started(start));
    const ending = transactions.run(async () => {
      await running.ended(start.allocationId, new Date());
      throw new Error('rolled back');
    });
    await expect(ending).rejects.toThrow('rolled back');
    expect(await meters([start.allocationId])).toEqual([
      { allocation_id: start.allocationId, ended_at: null },
    ]);
  });
});
