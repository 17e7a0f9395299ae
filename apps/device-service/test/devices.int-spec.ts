import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { waitFor } from '@cloudphone/shared/testing';
import { AVAILABLE_DEVICES_CACHE_TAG } from '../src/modules/devices/device-pool.cache';
import { type DeviceRow, DevicesTestApp, NEW_DEVICE } from './devices-test-app';

// Admin CRUD of the device pool against the real app: Postgres, Redis (cache) and the simulated provider.

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('device inventory (admin CRUD)', () => {
  let app: DevicesTestApp;
  let failing: DevicesTestApp;

  beforeAll(async () => {
    [app, failing] = await Promise.all([
      // A few milliseconds of latency: new devices boot, so POST waits for them to run.
      DevicesTestApp.start({ SIMULATED_PROVIDER_LATENCY_MS: '5' }),
      DevicesTestApp.start({ SIMULATED_PROVIDER_FAILURE_PERCENT: '100' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([app?.close(), failing?.close()]);
  });

  /** Caches a value under the available-devices tag; the key is gone once the tag is invalidated. */
  async function cacheProbe(target: DevicesTestApp = app): Promise<string> {
    const key = `devices:available:probe-${randomUUID()}`;
    await target.cache.set(key, { probe: true }, { ttlMs: 60_000, tags: [AVAILABLE_DEVICES_CACHE_TAG] });
    return key;
  }

  const create = (body: Partial<typeof NEW_DEVICE> & { provider?: string } = {}) =>
    app.createDevice({ ...NEW_DEVICE, ...body });

  describe('POST /devices', () => {
    it('has the provider create a running device and adds it as available and healthy', async () => {
      const probe = await cacheProbe();
      const device = await create();

      expect(device).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        provider: 'simulated',
        providerDeviceId: expect.stringMatching(/^sim-[0-9a-f]{12}-\d+$/),
        nodeId: null,
        ...NEW_DEVICE,
        status: 'available',
        health: 'healthy',
        powerState: 'on',
        statusReason: null,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      expect(await app.provider.getDeviceState(device.providerDeviceId)).toBe('running');
      expect(await app.device(device.id)).toMatchObject<Partial<DeviceRow>>({
        provider: 'simulated',
        provider_device_id: device.providerDeviceId,
        region: 'eu-west-1',
        cpu_cores: 4,
        status: 'available',
        health: 'healthy',
      });
      expect(await app.cache.get(probe)).toBeUndefined();
    });

    it('accepts the configured provider by name and refuses any other with 400, writing nothing', async () => {
      await create({ provider: 'simulated' });
      const before = await app.devices();
      const response = await app.http
        .post('/devices')
        .set('Authorization', `Bearer ${app.admin()}`)
        .send({ ...NEW_DEVICE, provider: 'aws-device-farm' });

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'provider', reasons: [expect.stringContaining('simulated')] }],
      });
      expect(await app.devices()).toEqual(before);
    });

    it('answers 502 DEVICE_PROVIDER_FAILED and writes nothing when the provider fails', async () => {
      const probe = await cacheProbe(failing);
      const response = await failing.http
        .post('/devices')
        .set('Authorization', `Bearer ${failing.admin()}`)
        .send(NEW_DEVICE);

      expect(response.status).toBe(502);
      expect(response.body).toMatchObject({
        code: 'DEVICE_PROVIDER_FAILED',
        details: { provider: 'simulated', operation: 'create' },
      });
      expect(await failing.devices()).toEqual([]);
      expect(await failing.cache.get(probe)).toEqual({ probe: true });
    });
  });

  describe('GET /devices and /devices/:id', () => {
    it('answers one device to an admin or a service, and 404 DEVICE_NOT_FOUND for an unknown id', async () => {
      const device = await create();
      const asAdmin = await app.http
        .get(`/devices/${device.id}`)
        .set('Authorization', `Bearer ${app.admin()}`);
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body).toEqual(device);

      const asService = await app.http
        .get(`/devices/${device.id}`)
        .set('Authorization', `Bearer ${app.tokens.service()}`);
      expect(asService.body).toEqual(device);

      const unknownId = randomUUID();
      const missing = await app.http
        .get(`/devices/${unknownId}`)
        .set('Authorization', `Bearer ${app.admin()}`);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'DEVICE_NOT_FOUND', details: { deviceId: unknownId } });
    });

    it('lists devices in the response shape, filtered', async () => {
      const device = await create({ region: 'cn-hangzhou', cpuCores: 16, memoryMb: 32768 });
      const response = await app.http
        .get('/devices?region=cn-hangzhou&minCpuCores=16')
        .set('Authorization', `Bearer ${app.tokens.service()}`);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ page: 1, total: 1, totalPages: 1 });
      expect(response.body.items).toEqual([device]);
    });
  });

  describe('PATCH /devices/:id', () => {
    it('sets status and health, evicting the available-devices cache', async () => {
      const device = await create();
      const probe = await cacheProbe();
      const response = await app.http
        .patch(`/devices/${device.id}`)
        .set('Authorization', `Bearer ${app.admin()}`)
        .send({ status: 'maintenance', health: 'degraded' });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: device.id, status: 'maintenance', health: 'degraded' });
      expect(Date.parse(response.body.updatedAt)).toBeGreaterThan(Date.parse(device.updatedAt));
      expect(await app.device(device.id)).toMatchObject({ status: 'maintenance', health: 'degraded' });
      expect(await app.cache.get(probe)).toBeUndefined();

      const back = await app.http
        .patch(`/devices/${device.id}`)
        .set('Authorization', `Bearer ${app.admin()}`)
        .send({ status: 'available' });
      // Back to the pool through a wipe: `resetting` until the provider confirms it.
      expect(back.body).toMatchObject({ status: 'resetting', health: 'degraded' });
      await waitFor(async () => (await app.device(device.id))?.status === 'available', {
        description: 'the wiped device back in the pool',
      });
    });

    it('refuses an empty body with 400, an unknown device with 404 and a retired one with 409', async () => {
      const device = await create();
      const before = await app.device(device.id);
      const empty = await app.http
        .patch(`/devices/${device.id}`)
        .set('Authorization', `Bearer ${app.admin()}`)
        .send({});
      expect(empty.status).toBe(400);
      expect(empty.body.code).toBe('VALIDATION_FAILED');
      expect(await app.device(device.id)).toEqual(before);

      const unknown = await app.http
        .patch(`/devices/${randomUUID()}`)
        .set('Authorization', `Bearer ${app.admin()}`)
        .send({ health: 'unhealthy' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('DEVICE_NOT_FOUND');

      const retiredId = await app.insertDevice({ status: 'retired' });
      const retired = await app.http
        .patch(`/devices/${retiredId}`)
        .set('Authorization', `Bearer ${app.admin()}`)
        .send({ status: 'available' });
      expect(retired.status).toBe(409);
      expect(retired.body.code).toBe('DEVICE_RETIRED');
      expect(await app.device(retiredId)).toMatchObject({ status: 'retired' });
    });
  });

  describe('DELETE /devices/:id', () => {
    it.each(['active', 'pending'] as const)(
      'refuses with 409 DEVICE_IN_USE while an allocation is %s, changing nothing',
      async (status) => {
        const device = await create();
        const allocationId = await app.holdDevice(device.id, status);
        const before = await app.device(device.id);
        const probe = await cacheProbe();

        const response = await app.http
          .delete(`/devices/${device.id}`)
          .set('Authorization', `Bearer ${app.admin()}`);
        expect(response.status).toBe(409);
        expect(response.body).toMatchObject({
          code: 'DEVICE_IN_USE',
          details: { deviceId: device.id, allocationId },
        });
        expect(await app.device(device.id)).toEqual(before);
        expect(await app.provider.getDeviceState(device.providerDeviceId)).toBe('running');
        expect(await app.cache.get(probe)).toEqual({ probe: true });
      },
    );

    it('retires a free device through the provider; a second DELETE answers the same', async () => {
      const device = await create();
      await app.endAllocation(await app.holdDevice(device.id));
      const probe = await cacheProbe();

      const first = await app.http
        .delete(`/devices/${device.id}`)
        .set('Authorization', `Bearer ${app.admin()}`);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ id: device.id, status: 'retired' });
      expect(await app.provider.getDeviceState(device.providerDeviceId)).toBe('destroyed');
      expect(await app.device(device.id)).toMatchObject({ status: 'retired' });
      expect(await app.cache.get(probe)).toBeUndefined();

      const second = await app.http
        .delete(`/devices/${device.id}`)
        .set('Authorization', `Bearer ${app.admin()}`);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
    });

    it('waits for a claim holding the device row, then sees its allocation and refuses', async () => {
      const device = await create();
      const claim = new Client({ connectionString: app.db.url });
      await claim.connect();
      try {
        // What an allocation claim does: lock the device row, bump its sequence, insert the allocation.
        await claim.query('BEGIN');
        await claim.query('SELECT id FROM devices WHERE id = $1 FOR UPDATE', [device.id]);
        const pending = app.http
          .delete(`/devices/${device.id}`)
          .set('Authorization', `Bearer ${app.admin()}`);
        const retirement = pending.then((response) => response);
        await waitFor(
          async () => {
            const [row] = await app.db.query<{ waiting: number }>(
              `SELECT count(*)::int AS waiting FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            );
            return row.waiting > 0;
          },
          { description: 'DELETE waiting for the device row lock', intervalMs: 20 },
        );
        await claim.query(
          `WITH claimed AS (
             UPDATE devices SET claim_sequence = claim_sequence + 1 WHERE id = $1 RETURNING claim_sequence
           )
           INSERT INTO device_allocations (id, device_id, user_id, tenant_id, status, fencing_token, region,
             android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, started_at, expires_at)
           SELECT $2, $1, $3, 'default', 'pending', claim_sequence, 'eu-west-1', '13', 4, 8192, 64, 30, now(),
                  now() + interval '30 minutes'
           FROM claimed`,
          [device.id, randomUUID(), randomUUID()],
        );
        await claim.query('COMMIT');

        const response = await retirement;
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('DEVICE_IN_USE');
        expect(await app.device(device.id)).toMatchObject({ status: 'available' });
      } finally {
        await claim.end();
      }
    });

    it('answers 502 and keeps the device when the provider cannot destroy it', async () => {
      const deviceId = await failing.insertDevice();
      const before = await failing.device(deviceId);
      const response = await failing.http
        .delete(`/devices/${deviceId}`)
        .set('Authorization', `Bearer ${failing.admin()}`);

      expect(response.status).toBe(502);
      expect(response.body).toMatchObject({
        code: 'DEVICE_PROVIDER_FAILED',
        details: { operation: 'destroy' },
      });
      expect(await failing.device(deviceId)).toEqual(before);
    });

    it('refuses a device of a provider this deployment does not run, and answers 404 for an unknown one', async () => {
      const deviceId = await app.insertDevice({ provider: 'vendor-x' });
      const response = await app.http
        .delete(`/devices/${deviceId}`)
        .set('Authorization', `Bearer ${app.admin()}`);
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({
        code: 'DEVICE_PROVIDER_NOT_CONFIGURED',
        details: { provider: 'vendor-x' },
      });
      expect(await app.device(deviceId)).toMatchObject({ status: 'available' });

      const unknown = await app.http
        .delete(`/devices/${randomUUID()}`)
        .set('Authorization', `Bearer ${app.admin()}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('DEVICE_NOT_FOUND');
    });
  });
});
