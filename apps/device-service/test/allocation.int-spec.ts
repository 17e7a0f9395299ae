import type {
  AllocationResponse,
  DeviceAllocatedEventData,
  DeviceReleasedEventData,
} from '@cloudphone/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { CacheService } from '@cloudphone/shared';
import { waitFor } from '@cloudphone/shared/testing';
import { AVAILABLE_DEVICES_CACHE_TAG } from '../src/modules/devices';
import { SchedulerTestApp } from './scheduler-test-app';

// Allocate and release through the real HTTP API: device-service in process (its clock is the
// test's), user-service and billing-service as built processes, real Postgres/Redis/RabbitMQ.
describe('allocate and release', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  function allocate(token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    return app.request<AllocationResponse & { code?: string; details?: Record<string, unknown> }>(
      'POST',
      'scheduler/devices/allocate',
      { token, body, headers },
    );
  }

  function release(token: string, body: Record<string, unknown>) {
    return app.request<AllocationResponse & { code?: string }>('POST', 'scheduler/devices/release', {
      token,
      body,
    });
  }

  it('allocates a matching device, counts the quota, publishes device.allocated and evicts the available cache', async () => {
    const [small] = await app.addDevices(1, {
      region: 'us-east-1',
      cpuCores: 2,
      memoryMb: 4096,
      storageGb: 32,
    });
    const [large] = await app.addDevices(1, {
      region: 'us-east-1',
      cpuCores: 8,
      memoryMb: 16384,
      storageGb: 128,
    });
    const user = await app.createUser();
    const availableBefore = await app.request<{ items: Array<{ id: string }> }>(
      'GET',
      'scheduler/devices/available?region=us-east-1',
      { token: user.token },
    );
    expect(availableBefore.body.items.map((device) => device.id).sort()).toEqual([small, large].sort());

    const answer = await allocate(user.token, {
      durationMinutes: 30,
      requirements: { region: 'us-east-1', cpuCores: 4 },
    });

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      deviceId: large,
      userId: user.id,
      tenantId: 'default',
      status: 'active',
      durationMinutes: 30,
      region: 'us-east-1',
      cpuCores: 8,
      endedAt: null,
    });
    const started = Date.parse(answer.body.startedAt);
    expect(Date.parse(answer.body.expiresAt) - started).toBe(30 * 60_000);
    expect(Number(answer.body.fencingToken)).toBeGreaterThan(0);
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 1, cpuCores: 8 });
    const event = await waitFor(
      () =>
        app.fleet.observer.received.find(
          ({ envelope }) =>
            envelope.type === 'device.allocated' &&
            (envelope.data as DeviceAllocatedEventData).allocationId === answer.body.id,
        ),
      { description: 'device.allocated' },
    );
    // Written by the activation statement itself: the times are the ones it recorded.
    expect(event.envelope.data).toMatchObject({
      deviceId: large,
      userId: user.id,
      fencingToken: answer.body.fencingToken,
      startedAt: answer.body.startedAt,
      expiresAt: answer.body.expiresAt,
    });
    const availableAfter = await app.request<{ items: Array<{ id: string }> }>(
      'GET',
      'scheduler/devices/available?region=us-east-1',
      { token: user.token },
    );
    expect(availableAfter.body.items.map((device) => device.id)).toEqual([small]);
  });

  it('keeps the cached free list through a release (its device is resetting) and evicts it when the wipe frees the device', async () => {
    const [deviceId] = await app.addDevices(1, { region: 'ca-west-1' });
    const user = await app.createUser();
    const allocated = await allocate(user.token, {
      durationMinutes: 60,
      requirements: { region: 'ca-west-1' },
    });
    expect(allocated.status).toBe(201);
    const listed = async () =>
      (
        await app.request<{ items: Array<{ id: string }> }>(
          'GET',
          'scheduler/devices/available?region=ca-west-1',
          {
            token: user.token,
          },
        )
      ).body.items.map((device) => device.id);
    expect(await listed()).toEqual([]);
    const evictions = jest.spyOn(app.get(CacheService), 'invalidateTags');
    try {
      expect((await release(user.token, { allocationId: allocated.body.id })).status).toBe(200);

      // The release evicted nothing, and the cached answer is still the truth: the device waits for its wipe.
      expect(evictions).not.toHaveBeenCalledWith(AVAILABLE_DEVICES_CACHE_TAG);
      const [device] = await app.query<{ status: string }>(`SELECT status FROM devices WHERE id = $1`, [
        deviceId,
      ]);
      expect(device.status).toBe('resetting');
      expect(await listed()).toEqual([]);

      await app.wipeReleasedDevices();
      expect(evictions).toHaveBeenCalledWith(AVAILABLE_DEVICES_CACHE_TAG);
      expect(await listed()).toEqual([deviceId]);
    } finally {
      evictions.mockRestore();
    }
  });

  it('bills a release to the second, gives the quota back, and a second release changes nothing', async () => {
    const [deviceId] = await app.addDevices(1, { region: 'ap-southeast-1' });
    const user = await app.createUser();
    const allocated = await allocate(user.token, {
      durationMinutes: 60,
      requirements: { region: 'ap-southeast-1' },
    });
    expect(allocated.status).toBe(201);
    app.clock.advance(123_400);

    const released = await release(user.token, { allocationId: allocated.body.id });

    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', endReason: 'released', billedSeconds: 124 });
    expect(Date.parse(released.body.endedAt as string) - Date.parse(allocated.body.startedAt)).toBe(123_400);
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 0, cpuCores: 0 });
    await waitFor(async () => (await app.billingRecords(user.id)).length === 1, {
      description: 'usage billed',
    });
    expect(await app.billingRecords(user.id)).toEqual([
      expect.objectContaining({ allocation_id: allocated.body.id, billed_seconds: 124 }),
    ]);
    const again = await release(user.token, { deviceId });
    expect(again.status).toBe(200);
    // Billing's answer to the usage report may have added what was charged meanwhile; nothing else moves.
    expect({ ...again.body, chargedAmountMinor: null, currency: null }).toEqual({
      ...released.body,
      chargedAmountMinor: null,
      currency: null,
    });
    const event = await waitFor(
      () =>
        app.fleet.observer.received.find(
          ({ envelope }) =>
            envelope.type === 'device.released' &&
            (envelope.data as DeviceReleasedEventData).allocationId === allocated.body.id,
        ),
      { description: 'device.released' },
    );
    expect(event.envelope.data).toMatchObject({ billedSeconds: 124, reason: 'released', deviceId });
    expect(await app.billingRecords(user.id)).toHaveLength(1);
  });

  it('gives a keyed request the only free device once a transaction holding its row lock for a moment lets go', async () => {
    // Concurrent requests with one key lock the devices they try; the claim skips locked rows, so a
    // keyed request that finds none looks again shortly instead of answering NO_DEVICE_AVAILABLE.
    const [deviceId] = await app.addDevices(1, { region: 'sa-east-1' });
    const user = await app.createUser();
    const locker = new Client({ connectionString: app.fleet.databases['device-service']!.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT id FROM devices WHERE id = $1 FOR UPDATE', [deviceId]);
      const answer = allocate(
        user.token,
        { durationMinutes: 15, requirements: { region: 'sa-east-1' } },
        { 'Idempotency-Key': 'locked-device' },
      );
      await sleep(60);
      await locker.query('COMMIT');
      expect(await answer).toMatchObject({ status: 201, body: { deviceId } });
    } finally {
      await locker.end();
    }
  });

  it('answers the same allocation for 20 concurrent requests with one Idempotency-Key, and refuses the key with another body', async () => {
    await app.addDevices(3, { region: 'eu-central-1' });
    const user = await app.createUser();
    const body = { durationMinutes: 15, requirements: { region: 'eu-central-1' } };

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => allocate(user.token, body, { 'Idempotency-Key': 'order-42' })),
    );

    const created = answers.filter((answer) => answer.status === 201);
    const inProgress = answers.filter((answer) => answer.status === 409);
    expect(created.length + inProgress.length).toBe(20);
    expect(new Set(created.map((answer) => answer.body.id)).size).toBe(1);
    for (const answer of inProgress) expect(answer.body.code).toBe('REQUEST_IN_PROGRESS');
    const rows = await app.query<{ status: string }>(
      `SELECT status FROM device_allocations WHERE user_id = $1 AND status <> 'failed'`,
      [user.id],
    );
    expect(rows).toEqual([{ status: 'active' }]);
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 1 });

    const replayed = await allocate(user.token, { ...body, idempotencyKey: 'order-42' });
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(created[0].body);
    const reused = await allocate(user.token, { durationMinutes: 16 }, { 'Idempotency-Key': 'order-42' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const mismatch = await allocate(
      user.token,
      { ...body, idempotencyKey: 'order-43' },
      { 'Idempotency-Key': 'order-42' },
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses past the quota with 403 naming the limit, frees the device and takes no quota', async () => {
    await app.addDevices(2, { region: 'sa-east-1' });
    const user = await app.createUser({ tier: 'free' });
    const first = await allocate(user.token, { durationMinutes: 5, requirements: { region: 'sa-east-1' } });
    expect(first.status).toBe(201);

    const second = await allocate(user.token, { durationMinutes: 5, requirements: { region: 'sa-east-1' } });

    expect(second.status).toBe(403);
    expect(second.body.code).toBe('QUOTA_EXCEEDED');
    expect(second.body.details).toMatchObject({ exceeded: 'devices', limit: 1, used: 1 });
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 1 });
    const failed = await app.query<{ status: string; failure_code: string; held: boolean }>(
      `SELECT a.status, a.failure_code, d.held_by IS NOT NULL AS held
       FROM device_allocations a JOIN devices d ON d.id = a.device_id
       WHERE a.user_id = $1 AND a.status = 'failed'`,
      [user.id],
    );
    expect(failed).toEqual([{ status: 'failed', failure_code: 'QUOTA_EXCEEDED', held: false }]);
    const available = await app.request<{ total: number }>(
      'GET',
      'scheduler/devices/available?region=sa-east-1',
      {
        token: user.token,
      },
    );
    expect(available.body.total).toBe(1);
  });

  it('refuses without enough balance with 402 and gives the quota back', async () => {
    await app.addDevices(1, { region: 'me-south-1' });
    const user = await app.createUser({ balanceMinor: '0' });

    const answer = await allocate(user.token, {
      durationMinutes: 600,
      requirements: { region: 'me-south-1' },
    });

    expect(answer.status).toBe(402);
    expect(answer.body.code).toBe('INSUFFICIENT_BALANCE');
    expect(answer.body.details).toMatchObject({ balanceMinor: '0', currency: 'USD' });
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 0, cpuCores: 0 });
    const rows = await app.query(`SELECT failure_code FROM device_allocations WHERE user_id = $1`, [user.id]);
    expect(rows).toEqual([{ failure_code: 'INSUFFICIENT_BALANCE' }]);
  });

  it('answers 409 NO_DEVICE_AVAILABLE when nothing matches, taking no quota', async () => {
    const user = await app.createUser();
    const answer = await allocate(user.token, { durationMinutes: 5, requirements: { region: 'nowhere-1' } });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('NO_DEVICE_AVAILABLE');
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 0 });
  });

  it('takes the acting user from the token: users act for themselves, admins and services for anyone', async () => {
    await app.addDevices(2, { region: 'af-south-1' });
    const owner = await app.createUser();
    const other = await app.createUser();
    const forOther = await allocate(owner.token, { durationMinutes: 5, userId: other.id });
    expect(forOther.status).toBe(403);
    const otherTenant = await allocate(owner.token, { durationMinutes: 5, tenantId: 'acme' });
    expect(otherTenant.status).toBe(403);
    const serviceWithoutUser = await allocate(app.tokens.service(), { durationMinutes: 5 });
    expect(serviceWithoutUser.status).toBe(400);

    const byService = await allocate(app.tokens.service(), {
      durationMinutes: 5,
      userId: owner.id,
      requirements: { region: 'af-south-1' },
    });
    expect(byService.status).toBe(201);
    expect(byService.body.userId).toBe(owner.id);

    const byStranger = await release(other.token, { allocationId: byService.body.id });
    expect(byStranger.status).toBe(403);
    const stale = await release(owner.token, {
      allocationId: byService.body.id,
      fencingToken: String(Number(byService.body.fencingToken) - 1 || 99),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_FENCING_TOKEN');
    const byAdmin = await release(app.tokens.admin(), { deviceId: byService.body.deviceId });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ status: 'released', endReason: 'admin' });
  });

  it('pages the active allocations by id for a service (the meter job of billing-service)', async () => {
    await app.addDevices(3, { region: 'ap-northeast-1' });
    const renter = await app.createUser();
    const made = await Promise.all(
      [1, 2, 3].map(() =>
        allocate(renter.token, { durationMinutes: 5, requirements: { region: 'ap-northeast-1' } }),
      ),
    );
    const ids = made.map((response) => response.body.id as string).sort();
    // The scheduler's clock (app.clock) is ahead of the real one: bounds from the allocations' starts.
    const firstStart = made.map((response) => response.body.startedAt).sort()[0];
    const afterStarts = new Date(Date.parse(firstStart) + 3_600_000).toISOString();
    const page = async (afterId?: string, to = afterStarts) => {
      const query = new URLSearchParams({ status: 'active', userId: renter.id, to, sort: 'id', limit: '2' });
      if (afterId) query.set('afterId', afterId);
      const response = await app.request<{ items: AllocationResponse[] }>(
        'GET',
        `scheduler/allocations?${query.toString()}`,
        { token: app.tokens.service() },
      );
      expect(response.status).toBe(200);
      return response.body.items.map((item) => item.id);
    };
    expect(await page()).toEqual(ids.slice(0, 2));
    expect(await page(ids[1])).toEqual(ids.slice(2));
    // One ending between two pages shifts none of the others out of the next.
    await release(renter.token, { allocationId: ids[0] });
    expect(await page(ids[1])).toEqual(ids.slice(2));
    // Started before the first of them started: none.
    expect(await page(undefined, firstStart)).toEqual([]);
    const bad = await app.request('GET', 'scheduler/allocations?afterId=constructor', {
      token: app.tokens.service(),
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('lists and shows a user only their own allocations; stats are for admins and services', async () => {
    await app.addDevices(2, { region: 'eu-north-1' });
    const alice = await app.createUser();
    const bob = await app.createUser();
    const mine = await allocate(alice.token, { durationMinutes: 5, requirements: { region: 'eu-north-1' } });
    const theirs = await allocate(bob.token, { durationMinutes: 5, requirements: { region: 'eu-north-1' } });

    const list = await app.request<{ items: AllocationResponse[]; total: number }>(
      'GET',
      'scheduler/allocations?status=active&sort=-startedAt',
      { token: alice.token },
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((item) => item.id)).toEqual([mine.body.id]);
    const snooping = await app.request('GET', `scheduler/allocations?userId=${bob.id}`, {
      token: alice.token,
    });
    expect(snooping.status).toBe(403);
    const asAdmin = await app.request<{ items: AllocationResponse[] }>(
      'GET',
      `scheduler/allocations?userId=${bob.id}`,
      { token: app.tokens.admin() },
    );
    expect(asAdmin.body.items.map((item) => item.id)).toEqual([theirs.body.id]);
    expect(
      (await app.request('GET', `scheduler/allocations/${theirs.body.id}`, { token: alice.token })).status,
    ).toBe(404);
    expect(
      (await app.request('GET', `scheduler/allocations/${mine.body.id}`, { token: alice.token })).status,
    ).toBe(200);

    expect((await app.request('GET', 'scheduler/allocations/stats', { token: alice.token })).status).toBe(
      403,
    );
    const stats = await app.request<{
      active: number;
      byRegion: Array<{
        region: string;
        activeAllocations: number;
        rentableDevices: number;
        utilisation: number;
      }>;
    }>('GET', 'scheduler/allocations/stats', { token: app.tokens.service() });
    expect(stats.status).toBe(200);
    expect(stats.body.byRegion).toContainEqual({
      region: 'eu-north-1',
      activeAllocations: 2,
      rentableDevices: 2,
      utilisation: 1,
    });
  });
});
