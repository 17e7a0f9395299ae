import type { AllocationResponse } from '@cloudphone/contracts';
import { OutboxDeliveries } from '@cloudphone/shared';
import { waitFor } from '@cloudphone/shared/testing';
import { SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

// What billing charged comes back with its answer to the usage report, against real billing-service,
// RabbitMQ and Postgres: the statement that settles the delivered reports stores each charge on its
// allocation. A resend (the answer lost, say) is answered as a duplicate with the same charge, and
// billing still holds one record per allocation.

describe('allocation charges from billing-service answers', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const charges = (ids: string[]) =>
    app.query<{ id: string; charged_amount_minor: string | null; charged_currency: string | null }>(
      `SELECT id, charged_amount_minor, charged_currency FROM device_allocations WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  const billed = async (userId: string) =>
    new Map((await app.billingRecords(userId)).map((record) => [record.allocation_id, record.amount_minor]));

  it('stores on each allocation of a release burst what billing charged, and again on a resend', async () => {
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
    const ids = allocations.map((allocation) => allocation.id);
    await Promise.all(
      ids.map(async (allocationId) => {
        const answer = await app.request('POST', 'scheduler/devices/release', {
          token: user.token,
          body: { allocationId },
        });
        expect(answer.status).toBe(200);
      }),
    );

    await waitFor(async () => (await charges(ids)).every((row) => row.charged_amount_minor !== null), {
      description: 'every released allocation shows its charge',
    });
    const records = await billed(user.id);
    expect(records.size).toBe(20);
    const stored = await charges(ids);
    expect(new Map(stored.map((row) => [row.id, [row.charged_amount_minor, row.charged_currency]]))).toEqual(
      new Map(ids.map((id) => [id, [records.get(id), 'USD']])),
    );
    const pending = await app.query<{ count: string }>(
      `SELECT count(*) FROM outbox WHERE destination = 'billing-service' AND sent_at IS NULL AND rejected_at IS NULL`,
    );
    expect(pending[0].count).toBe('0');

    // The answers lost: the reports are due again and the charges unknown here. The resend is
    // answered as duplicates, with the charges billing made the first time.
    await app.query(
      `UPDATE device_allocations SET charged_amount_minor = NULL, charged_currency = NULL WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    await app.query(
      `UPDATE outbox SET sent_at = NULL, next_attempt_at = now() WHERE destination = 'billing-service' AND aggregate_key = ANY($1::text[])`,
      [ids],
    );
    // The test drives the resend, but the relay's own delivery loop runs beside it and may claim
    // the reports first (then this pass finds none due): wait for the outcome, not for who sent it.
    await waitFor(
      async () => {
        await app.get(OutboxDeliveries).deliverDue(100);
        return (await charges(ids)).every((row) => row.charged_amount_minor !== null);
      },
      { description: 'every resent report answered with its charge' },
    );
    const resent = await app.query<{ count: string }>(
      `SELECT count(*) FROM outbox WHERE destination = 'billing-service' AND aggregate_key = ANY($1::text[]) AND sent_at IS NOT NULL`,
      [ids],
    );
    expect(Number(resent[0].count)).toBeGreaterThanOrEqual(20);
    expect(new Map((await charges(ids)).map((row) => [row.id, row.charged_amount_minor]))).toEqual(records);
    expect(await billed(user.id)).toEqual(records);
  });
});
