import type { AllocationResponse, BatchQueryResponse, BatchResponse } from '@cloudphone/contracts';
import { uniqueTestId } from '@cloudphone/shared/testing';
import { SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const region = (label: string) => uniqueRegion(`batch-${label}`);

// The batch calls (§5) against real user-service, billing-service and servers.
describe('allocation batches', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  function batch<T = BatchResponse>(path: string, token: string, body: unknown, key?: string) {
    return app.request<T & { code?: string; details?: Record<string, unknown> }>(
      'POST',
      `scheduler/allocations/${path}`,
      {
        token,
        body,
        headers: key ? { 'idempotency-key': key } : {},
      },
    );
  }

  const allocationsOf = async (userId: string) =>
    (
      await app.query<{ n: string }>(
        `SELECT count(*) AS n FROM device_allocations WHERE user_id = $1 AND status = 'active'`,
        [userId],
      )
    )[0].n;

  it('answers per item in order, replays a resent batch item by item, and never allocates twice', async () => {
    const place = region('a');
    await app.addDevices(2, { region: place });
    const user = await app.createUser({ tier: 'pro' });
    const key = uniqueTestId('batch');
    const items = [0, 1, 2].map(() => ({ durationMinutes: 10, requirements: { region: place } }));

    const first = await batch('batch', user.token, { items }, key);
    expect(first.status).toBe(200);
    // Items run side by side: which one finds no device is not fixed, the count is.
    expect(first.body.results.map((result) => result.index)).toEqual([0, 1, 2]);
    expect(first.body.results.map((result) => result.error?.code ?? result.status).sort()).toEqual([
      201,
      201,
      'NO_DEVICE_AVAILABLE',
    ]);
    expect(first.body).toMatchObject({ succeeded: 2, failed: 1 });

    const again = await batch('batch', user.token, { items }, key);
    expect(
      again.body.results.map((result) => [result.status, result.replayed ?? false, result.allocation?.id]),
    ).toEqual(
      first.body.results.map((result) =>
        result.status === 201 ? [200, true, result.allocation?.id] : [409, false, undefined],
      ),
    );
    expect(await allocationsOf(user.id)).toBe('2');

    // Release: the two, plus one that does not exist; extend both, with and without a key.
    const ids = first.body.results
      .filter((result) => result.allocation)
      .map((result) => result.allocation!.id);
    const extendKey = uniqueTestId('ext');
    const extendItems = ids.map((allocationId) => ({ allocationId, additionalMinutes: 5 }));
    expect((await batch('batch/extend', user.token, { items: extendItems })).body.code).toBe(
      'IDEMPOTENCY_KEY_REQUIRED',
    );
    const extended = await batch('batch/extend', user.token, { items: extendItems }, extendKey);
    expect(
      extended.body.results.map((result) => [result.status, result.extension?.additionalMinutes]),
    ).toEqual([
      [200, 5],
      [200, 5],
    ]);
    const extendedAgain = await batch('batch/extend', user.token, { items: extendItems }, extendKey);
    expect(extendedAgain.body.results.every((result) => result.replayed)).toBe(true);
    expect(
      (await app.query(`SELECT 1 FROM allocation_extensions WHERE allocation_id = ANY($1::uuid[])`, [ids]))
        .length,
    ).toBe(2);

    const missing = '00000000-0000-4000-8000-000000000000';
    const released = await batch('batch/release', user.token, {
      items: [{ allocationId: ids[0] }, { allocationId: missing }, { allocationId: ids[1] }],
    });
    expect(
      released.body.results.map((result) => [result.status, result.allocation?.status ?? result.error?.code]),
    ).toEqual([
      [200, 'released'],
      [404, 'ALLOCATION_NOT_FOUND'],
      [200, 'released'],
    ]);
    expect(released.body.results[0].allocation?.durationMinutes).toBe(15);
  });

  it('refuses a batch that cannot fit the quota as a whole, before any claim', async () => {
    const place = region('q');
    await app.addDevices(3, { region: place });
    const user = await app.createUser({ tier: 'free' });
    const answer = await batch('batch', user.token, {
      items: [0, 1].map(() => ({ durationMinutes: 10, requirements: { region: place } })),
    });
    expect(answer).toMatchObject({
      status: 403,
      body: { code: 'QUOTA_EXCEEDED', details: { userId: user.id, exceeded: 'devices' } },
    });
    expect(await allocationsOf(user.id)).toBe('0');
    const one = await batch('batch', user.token, {
      items: [{ durationMinutes: 10, requirements: { region: place } }],
    });
    expect(one.body.results[0].status).toBe(201);
  });

  it('lists live allocations per user for admins, and only their own for users', async () => {
    const place = region('l');
    await app.addDevices(2, { region: place });
    const [first, second] = [await app.createUser(), await app.createUser()];
    const held = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
      token: first.token,
      body: { durationMinutes: 10, requirements: { region: place } },
    });
    const listed = await batch<BatchQueryResponse>('batch/query', app.tokens.admin(), {
      userIds: [second.id, first.id],
    });
    expect(listed.body.users).toEqual([
      { userId: second.id, allocations: [] },
      { userId: first.id, allocations: [expect.objectContaining({ id: held.body.id, status: 'active' })] },
    ]);
    expect((await batch('batch/query', first.token, { userIds: [first.id] })).status).toBe(200);
    expect((await batch('batch/query', first.token, { userIds: [first.id, second.id] })).status).toBe(403);
    const tooMany = Array.from({ length: 101 }, () => first.id);
    expect((await batch('batch/query', app.tokens.admin(), { userIds: tooMany })).status).toBe(400);
    expect((await batch('batch', first.token, { items: [] })).status).toBe(400);
  });
});
