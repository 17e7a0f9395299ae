import type { AllocationResponse, DeviceResponse } from '@cloudphone/contracts';
import { deferred, waitFor } from '@cloudphone/shared/testing';
import { DEVICE_PROVIDER, type DeviceProvider } from '../src/integrations/device-provider/device-provider';
import { DeviceProviderError } from '../src/integrations/device-provider/device-provider.error';
import { DeviceHandOver } from '../src/modules/devices';
import { adbHandshake } from './adb-handshake';
import { type Answer, SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const region = () => uniqueRegion('ho');

// The clean hand-over and the device state machine (issue 14), against real user-service,
// billing-service and servers. The simulated provider wipes with its configured latency.
describe('device hand-over and state machine', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start({ SIMULATED_PROVIDER_LATENCY_MS: '40' });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const allocate = (token: string, place: string) =>
    app.request<Answer<AllocationResponse>>('POST', 'scheduler/devices/allocate', {
      token,
      body: { durationMinutes: 30, requirements: { region: place } },
    });
  const release = (token: string, allocationId: string) =>
    app.request('POST', 'scheduler/devices/release', { token, body: { allocationId } });
  const deviceRow = async (id: string) =>
    (
      await app.query<{ status: string; wipe_count: string; status_reason: string | null }>(
        `SELECT status, wipe_count, status_reason FROM devices WHERE id = $1`,
        [id],
      )
    )[0];
  const patch = (id: string, body: Record<string, unknown>) =>
    app.request<Answer<DeviceResponse>>('PATCH', `devices/${id}`, { token: app.tokens.admin(), body });

  it('wipes a released device before the next renter gets it, and the next renter sees the wipe', async () => {
    const place = region();
    const [deviceId] = await app.addDevices(1, { region: place });
    const [first, second] = [await app.createUser(), await app.createUser()];
    const rented = await allocate(first.token, place);
    expect(rented.status).toBe(201);
    expect(await adbHandshake(rented.body.access!.adbEndpoint)).toMatchObject({
      banner: expect.stringContaining('ro.cloudphone.wipes=0'),
    });
    expect(await deviceRow(deviceId)).toMatchObject({ status: 'allocated', wipe_count: '0' });

    // The wipe waits until the second renter has asked, however slowly this machine runs.
    const provider = app.get<DeviceProvider>(DEVICE_PROVIDER as never);
    const asked = deferred();
    const resetDevice = provider.resetDevice.bind(provider);
    const reset = jest.spyOn(provider, 'resetDevice').mockImplementation(async (...args) => {
      await asked.promise;
      return resetDevice(...args);
    });
    try {
      await release(first.token, rented.body.id);
      expect((await deviceRow(deviceId)).status).toBe('resetting');
      const meanwhile = await allocate(second.token, place);
      expect(meanwhile).toMatchObject({ status: 409, body: { code: 'NO_DEVICE_AVAILABLE' } });
    } finally {
      asked.resolve();
      reset.mockRestore();
    }

    await waitFor(async () => (await deviceRow(deviceId)).status === 'available', {
      description: 'the wiped device back in the pool',
    });
    expect((await deviceRow(deviceId)).wipe_count).toBe('1');
    const next = await allocate(second.token, place);
    expect(next.status).toBe(201);
    expect(await adbHandshake(next.body.access!.adbEndpoint)).toMatchObject({
      banner: expect.stringContaining('ro.cloudphone.wipes=1'),
    });
    const wipes = await app.query<{ device_wipe: string }>(
      `SELECT device_wipe FROM device_allocations WHERE device_id = $1 ORDER BY created_at`,
      [deviceId],
    );
    expect(wipes.map((row) => row.device_wipe)).toEqual(['0', '1']);
  });

  it('fails a device whose wipe fails, keeps it out of the pool, and takes it back only through a wipe', async () => {
    const place = region();
    const [deviceId] = await app.addDevices(1, { region: place });
    const user = await app.createUser();
    const rented = await allocate(user.token, place);
    const provider = app.get<DeviceProvider>(DEVICE_PROVIDER as never);
    const reset = jest
      .spyOn(provider, 'resetDevice')
      .mockRejectedValueOnce(new DeviceProviderError('simulated', 'reset', 'disk wipe refused'));
    try {
      await release(user.token, rented.body.id);
      await waitFor(async () => (await deviceRow(deviceId)).status === 'failed', {
        description: 'the device failed by its wipe',
      });
    } finally {
      reset.mockRestore();
    }
    expect((await deviceRow(deviceId)).status_reason).toContain('disk wipe refused');
    expect(await allocate(user.token, place)).toMatchObject({
      status: 409,
      body: { code: 'NO_DEVICE_AVAILABLE' },
    });

    const back = await patch(deviceId, { status: 'available' });
    expect(back).toMatchObject({ status: 200, body: { status: 'resetting', statusReason: null } });
    await waitFor(async () => (await deviceRow(deviceId)).status === 'available', {
      description: 'the device wiped on its way back',
    });
    expect((await allocate(user.token, place)).status).toBe(201);
  });

  it('refuses a second rental of one wipe in the database itself', async () => {
    const place = region();
    const [deviceId] = await app.addDevices(1, { region: place });
    const user = await app.createUser();
    const rented = await allocate(user.token, place);
    await release(user.token, rented.body.id);
    // A statement that skipped the hand-over: same device, same wipe, a new claim.
    await expect(
      app.query(
        `INSERT INTO device_allocations (id, device_id, user_id, tenant_id, status, fencing_token, region,
           android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, started_at, expires_at, device_wipe)
         SELECT gen_random_uuid(), device_id, user_id, tenant_id, 'active', fencing_token + 100, region,
           android_version, cpu_cores, memory_mb, storage_gb, 5, now() + interval '1 hour',
           now() + interval '2 hours', device_wipe
         FROM device_allocations WHERE id = $1`,
        [rented.body.id],
      ),
    ).rejects.toThrow(/device_allocations_one_renter_per_wipe/);
    expect(deviceId).toBeTruthy();
  });

  it('takes over a wipe whose runner died, and fails one taken over too often', async () => {
    const place = region();
    const [orphaned, hopeless] = await app.addDevices(2, { region: place });
    await app.query(
      `UPDATE devices SET status = 'resetting', reset_started_at = now() - interval '1 hour',
         reset_attempts = CASE WHEN id = $1 THEN 1 ELSE 3 END
       WHERE id = ANY($2::uuid[])`,
      [orphaned, [orphaned, hopeless]],
    );
    await app.get(DeviceHandOver).runPass();
    expect(await deviceRow(orphaned)).toMatchObject({ status: 'available', wipe_count: '1' });
    expect(await deviceRow(hopeless)).toMatchObject({
      status: 'failed',
      status_reason: expect.stringContaining('taken over 3 times'),
    });
  });

  it('answers an illegal move with a 409 naming both states, and changes nothing', async () => {
    const place = region();
    const [deviceId] = await app.addDevices(1, { region: place });
    await app.query(`UPDATE devices SET status = 'resetting', reset_started_at = now() WHERE id = $1`, [
      deviceId,
    ]);
    const refused = await patch(deviceId, { status: 'maintenance' });
    expect(refused).toMatchObject({
      status: 409,
      body: {
        code: 'DEVICE_ILLEGAL_TRANSITION',
        details: { deviceId, from: 'resetting', to: 'maintenance' },
      },
    });
    expect((await deviceRow(deviceId)).status).toBe('resetting');
    const retire = await app.request<Answer<object>>('DELETE', `devices/${deviceId}`, {
      token: app.tokens.admin(),
    });
    expect(retire).toMatchObject({ status: 409, body: { code: 'DEVICE_RESETTING' } });
    for (const status of ['retired', 'allocated', 'resetting', 'constructor', '']) {
      expect((await patch(deviceId, { status })).status).toBe(400);
    }
  });
});
