import { randomUUID } from 'node:crypto';
import {
  type AllocationResponse,
  type BillingUsageRecordedEventData,
  DOMAIN_EVENTS,
  SERVICE_CATALOG,
} from '@cloudphone/contracts';
import { MetricsService } from '@cloudphone/shared';
import { publishEventTo, sumMetricSamples, waitFor } from '@cloudphone/shared/testing';
import { SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

// A burst of `billing.usage_recorded` against real RabbitMQ and Postgres: the charges device-service
// consumes at the same time share one statement per batch. Every charge lands on its allocation,
// a redelivery changes nothing, and a charge for an allocation this service never had is handled
// (and logged) without holding back the rest of its batch.

describe('allocation charges from a burst of billing.usage_recorded', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const metric = async (name: string, labels: Record<string, string>) =>
    sumMetricSamples(await app.get(MetricsService).registry.metrics(), name, labels);

  it('stores every charge of a burst once, repeats and strangers included', async () => {
    const region = uniqueRegion('charges');
    await app.addDevices(20, { region });
    const user = await app.createUser({ tier: 'enterprise' });
    const allocations = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const answer = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
          token: user.token,
          body: { durationMinutes: 30, requirements: { region } },
        });
        expect(answer.status).toBe(201);
        return answer.body;
      }),
    );
    const charge = (allocationId: string, index: number): BillingUsageRecordedEventData => ({
      userId: user.id,
      tenantId: 'default',
      usageId: randomUUID(),
      allocationId,
      billedSeconds: 60,
      amountMinor: String(100 + index),
      balanceMinor: '5000',
      currency: 'USD',
    });
    const events = [
      ...allocations.map((allocation, index) => charge(allocation.id, index)),
      ...allocations.map((allocation, index) => charge(allocation.id, index)), // redelivered
      charge(randomUUID(), 0), // an allocation this service never had
    ];
    const handled = () =>
      metric('cloudphone_events_consumed_total', {
        type: DOMAIN_EVENTS.billingUsageRecorded,
        outcome: 'handled',
      });
    const handledBefore = await handled();
    const batchedBefore = await metric('cloudphone_allocation_charge_batch_items_sum', {});

    await Promise.all(
      events.map((data) =>
        publishEventTo(
          app.fleet.observer,
          { namespace: app.fleet.namespace, service: SERVICE_CATALOG.device.name },
          DOMAIN_EVENTS.billingUsageRecorded,
          data,
        ),
      ),
    );
    await waitFor(async () => (await handled()) - handledBefore >= events.length, {
      description: `${events.length} charges handled`,
    });

    const stored = await app.query<{ id: string; charged_amount_minor: string; charged_currency: string }>(
      `SELECT id, charged_amount_minor, charged_currency FROM device_allocations WHERE id = ANY($1::uuid[])`,
      [allocations.map((allocation) => allocation.id)],
    );
    expect(new Map(stored.map((row) => [row.id, [row.charged_amount_minor, row.charged_currency]]))).toEqual(
      new Map(allocations.map((allocation, index) => [allocation.id, [String(100 + index), 'USD']])),
    );
    // Every charge went through a batch statement, however the burst was cut.
    expect((await metric('cloudphone_allocation_charge_batch_items_sum', {})) - batchedBefore).toBe(
      events.length,
    );
  });
});
