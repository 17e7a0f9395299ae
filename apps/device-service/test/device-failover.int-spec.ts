import type { AllocationResponse } from '@cloudphone/contracts';
import { waitFor } from '@cloudphone/shared/testing';
import { DEVICE_PROVIDER, type DeviceProvider } from '../src/integrations/device-provider/device-provider';
import { DeviceHealthCheckUseCase } from '../src/modules/devices/health/device-health-check.use-case';
import { adbHandshake } from './adb-handshake';
import { SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const region = () => uniqueRegion('fo');

// Health and failover (issue 14): a device that stops answering mid-rental fails after
// DEVICE_HEALTH_FAILURE_THRESHOLD probes, device.failed goes through RabbitMQ back to
// device-service, and the allocation moves (or ends) with one continuous bill.
describe('device health and failover', () => {
  let app: SchedulerTestApp;
  let broken: Set<string>;

  beforeAll(async () => {
    app = await SchedulerTestApp.start({
      DEVICE_HEALTH_FAILURE_THRESHOLD: '3',
      ACCESS_GATEWAY_SYNC_MS: '200',
    });
    broken = new Set();
    // The provider reports the devices a test broke as in error; every other answer is its own.
    const provider = app.get<DeviceProvider>(DEVICE_PROVIDER as never);
    const real = provider.getDeviceState.bind(provider);
    jest
      .spyOn(provider, 'getDeviceState')
      .mockImplementation(async (id) => (broken.has(id) ? 'error' : real(id)));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const providerIdOf = async (deviceId: string) =>
    (
      await app.query<{ id: string }>(`SELECT provider_device_id AS id FROM devices WHERE id = $1`, [
        deviceId,
      ])
    )[0].id;
  const checkHealth = () => app.get(DeviceHealthCheckUseCase).checkAll(new AbortController().signal);
  const allocation = async (token: string, id: string) =>
    (await app.request<AllocationResponse>('GET', `scheduler/allocations/${id}`, { token })).body;

  it('moves an allocation off a device that fails mid-rental, billed once and without a gap', async () => {
    const place = region();
    await app.addDevices(1, { region: place, cpuCores: 2, memoryMb: 4096 });
    const user = await app.createUser();
    app.clock.set(new Date());
    const rented = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
      token: user.token,
      body: { durationMinutes: 30, requirements: { region: place, cpuCores: 2 } },
    });
    expect(rented.status).toBe(201);
    // The spare is bigger: the nearest larger device takes over when none of the same spec is free.
    const [spare] = await app.addDevices(1, { region: place, cpuCores: 4, memoryMb: 8192 });
    broken.add(await providerIdOf(rented.body.deviceId));

    expect((await checkHealth()).unhealthy).toBeGreaterThanOrEqual(1);
    expect(await app.query(`SELECT health FROM devices WHERE id = $1`, [rented.body.deviceId])).toEqual([
      { health: 'degraded' },
    ]);
    await checkHealth();
    expect((await checkHealth()).failed).toBe(1);

    const moved = await waitFor(
      async () => {
        const now = await allocation(user.token, rented.body.id);
        return now.deviceId === spare ? now : undefined;
      },
      { description: 'the allocation on the spare device' },
    );
    expect(moved).toMatchObject({
      id: rented.body.id,
      status: 'active',
      startedAt: rented.body.startedAt,
      expiresAt: rented.body.expiresAt,
      cpuCores: 2,
    });
    expect(BigInt(moved.fencingToken)).not.toBe(BigInt(rented.body.fencingToken));
    expect(moved.access!.adbEndpoint).not.toBe(rented.body.access!.adbEndpoint);
    expect(await adbHandshake(moved.access!.adbEndpoint)).toMatchObject({ kind: 'connected' });
    await waitFor(async () => (await adbHandshake(rented.body.access!.adbEndpoint)).kind === 'refused', {
      description: 'the failed device no longer reachable',
    });
    await waitFor(
      () =>
        app.fleet.observer.received.find(
          ({ envelope }) =>
            envelope.type === 'allocation.moved' &&
            (envelope.data as { allocationId: string }).allocationId === rented.body.id,
        ),
      { description: 'allocation.moved' },
    );
    expect(
      await app.query(`SELECT status, held_by FROM devices WHERE id = $1`, [rented.body.deviceId]),
    ).toEqual([{ status: 'failed', held_by: null }]);

    app.clock.advance(10 * 60_000);
    const released = await app.request<AllocationResponse>('POST', 'scheduler/devices/release', {
      token: user.token,
      body: { allocationId: rented.body.id },
    });
    expect(released.body).toMatchObject({ status: 'released', billedSeconds: 600, deviceId: spare });
    const billed = await waitFor(
      async () => {
        const records = await app.billingRecords(user.id);
        return records.length > 0 ? records : undefined;
      },
      { description: 'the usage record in billing-service' },
    );
    expect(billed).toEqual([expect.objectContaining({ allocation_id: rented.body.id, billed_seconds: 600 })]);
  });

  it('ends the allocation billed to the failure when no device can take over, and tells the renter', async () => {
    const place = region();
    const [deviceId] = await app.addDevices(1, { region: place });
    const user = await app.createUser();
    app.clock.set(new Date());
    const rented = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
      token: user.token,
      body: { durationMinutes: 30, requirements: { region: place } },
    });
    broken.add(await providerIdOf(deviceId));
    for (let probe = 0; probe < 3; probe++) await checkHealth();

    const ended = await waitFor(
      async () => {
        const now = await allocation(user.token, rented.body.id);
        return now.status === 'released' ? now : undefined;
      },
      { description: 'the allocation ended by the failure' },
    );
    expect(ended).toMatchObject({ endReason: 'device_failed', deviceId });
    // Billed to the failure, seconds after the start: not to its 30-minute end.
    expect(ended.billedSeconds).toBeLessThan(60);
    await waitFor(
      () =>
        app.fleet.observer.received.find(
          ({ envelope }) =>
            envelope.type === 'device.released' &&
            (envelope.data as { allocationId: string; reason: string }).allocationId === rented.body.id,
        ),
      { description: 'device.released (device_failed) for the renter' },
    );
    expect(await app.query(`SELECT status, held_by FROM devices WHERE id = $1`, [deviceId])).toEqual([
      { status: 'failed', held_by: null },
    ]);
  });

  it('resets the count on a healthy probe, so a blip does not fail a device', async () => {
    const place = region();
    const [deviceId] = await app.addDevices(1, { region: place });
    const id = await providerIdOf(deviceId);
    broken.add(id);
    await checkHealth();
    await checkHealth();
    broken.delete(id);
    await checkHealth();
    broken.add(id);
    await checkHealth();
    expect(
      await app.query(`SELECT status, health, health_failures FROM devices WHERE id = $1`, [deviceId]),
    ).toEqual([{ status: 'available', health: 'degraded', health_failures: 1 }]);
    broken.delete(id);
    await checkHealth();
  });
});
