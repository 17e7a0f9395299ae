import { randomUUID } from 'node:crypto';
import type { AllocationResponse, DevicePowerBatchResponse, DeviceResponse } from '@cloudphone/contracts';
import { waitFor } from '@cloudphone/shared/testing';
import { adbHandshake } from './adb-handshake';
import { type Answer, SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const region = () => uniqueRegion('pw');

// Power control (issue 14): the renter holding a device and admins, one device or a batch.
describe('device power', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const power = (token: string, deviceId: string, action: string) =>
    app.request<Answer<DeviceResponse>>('POST', `devices/${deviceId}/${action}`, { token });
  const batch = (action: string, body: unknown, token = app.tokens.admin()) =>
    app.request<Answer<DevicePowerBatchResponse>>('POST', `devices/batch/${action}`, { token, body });

  it('lets the renter stop, start and reboot their device, and nobody else but an admin', async () => {
    const place = region();
    const [deviceId] = await app.addDevices(1, { region: place });
    const [renter, stranger] = [await app.createUser(), await app.createUser()];
    const rented = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
      token: renter.token,
      body: { durationMinutes: 30, requirements: { region: place } },
    });
    const endpoint = rented.body.access!.adbEndpoint;

    expect(await power(renter.token, deviceId, 'stop')).toMatchObject({
      status: 200,
      body: { powerState: 'off', status: 'allocated' },
    });
    expect(await adbHandshake(endpoint)).toMatchObject({ kind: 'refused' });
    expect(await power(renter.token, deviceId, 'start')).toMatchObject({
      status: 200,
      body: { powerState: 'on' },
    });
    // Started is booting: ADB answers once the device runs.
    await waitFor(async () => (await adbHandshake(endpoint)).kind === 'connected', {
      description: 'ADB back after the start',
    });
    expect((await power(renter.token, deviceId, 'reboot')).status).toBe(200);

    expect(await power(stranger.token, deviceId, 'stop')).toMatchObject({
      status: 404,
      body: { code: 'DEVICE_NOT_FOUND' },
    });
    expect((await power(app.tokens.admin(), deviceId, 'reboot')).status).toBe(200);
    expect((await power(renter.token, 'not-a-uuid', 'stop')).status).toBe(400);
  });

  it('takes a stopped free device out of the pool, and answers a batch per device', async () => {
    const place = region();
    const [free, wiping, other] = await app.addDevices(3, { region: place });
    await app.query(`UPDATE devices SET status = 'resetting', reset_started_at = now() WHERE id = $1`, [
      wiping,
    ]);
    const unknown = randomUUID();
    const answer = await batch('stop', { deviceIds: [free, unknown, wiping] });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      succeeded: 1,
      failed: 2,
      results: [
        { index: 0, deviceId: free, status: 200, device: { status: 'maintenance', powerState: 'off' } },
        { index: 1, deviceId: unknown, status: 404, error: { code: 'DEVICE_NOT_FOUND' } },
        { index: 2, deviceId: wiping, status: 409, error: { code: 'DEVICE_NOT_OPERABLE' } },
      ],
    });
    expect((await batch('reboot', { deviceIds: [other] })).body.succeeded).toBe(1);
    const user = await app.createUser();
    expect((await batch('start', { deviceIds: [other] }, user.token)).status).toBe(403);
  });

  it.each([
    ['no device', { deviceIds: [] }],
    ['101 devices', { deviceIds: Array.from({ length: 101 }, () => randomUUID()) }],
    [
      'a repeated device',
      { deviceIds: ['2f0c4c56-8d0e-4b4f-9a57-0b3c7f1e2a11', '2f0c4c56-8d0e-4b4f-9a57-0b3c7f1e2a11'] },
    ],
    ['a non-uuid', { deviceIds: ['constructor'] }],
    ['no list', { deviceIds: 'all' }],
    ['an unknown field', { deviceIds: [randomUUID()], force: true }],
  ])('refuses a batch with %s (400, nothing powered)', async (_label, body) => {
    const answer = await batch('stop', body);
    expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});
