import { waitFor } from '@cloudphone/shared/testing';
import {
  DEVICE_PROVIDER,
  type DeviceProvider,
  type ProviderDeviceState,
} from '../src/integrations/device-provider/device-provider';
import { DeviceLifecycleCleanupUseCase } from '../src/modules/devices/lifecycle/device-lifecycle-cleanup.use-case';
import { ProviderReconciliationUseCase } from '../src/modules/devices/reconciliation/provider-reconciliation.use-case';
import { SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const region = () => uniqueRegion('rc');
/** A device made at the provider only, as a leftover or an orphan is. */
const SPEC = { region: 'eu-west-1', androidVersion: '13', cpuCores: 2, memoryMb: 2048, storageGb: 16 };

// reconcile-provider-state (issue 14) against injected drift between the pool and the provider.
describe('provider reconciliation', () => {
  let app: SchedulerTestApp;
  let provider: DeviceProvider;
  const states = new Map<string, ProviderDeviceState>();

  beforeAll(async () => {
    app = await SchedulerTestApp.start({ DEVICE_PROVIDER_READY_TIMEOUT_MS: '1000' });
    provider = app.get<DeviceProvider>(DEVICE_PROVIDER as never);
    const real = provider.getDeviceState.bind(provider);
    jest.spyOn(provider, 'getDeviceState').mockImplementation(async (id) => states.get(id) ?? real(id));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const rows = (ids: string[]) =>
    app.query<{ id: string; status: string; status_reason: string | null }>(
      `SELECT id, status, status_reason FROM devices WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)`,
      [ids],
    );
  const providerIdOf = async (deviceId: string) =>
    (
      await app.query<{ id: string }>(`SELECT provider_device_id AS id FROM devices WHERE id = $1`, [
        deviceId,
      ])
    )[0].id;

  it('fails devices the provider lost or broke, flags unexpected stops, and leaves the rest', async () => {
    const [lost, broken, stopped, fine] = await app.addDevices(4, { region: region() });
    states.set(await providerIdOf(lost), 'destroyed');
    states.set(await providerIdOf(broken), 'error');
    states.set(await providerIdOf(stopped), 'stopped');

    const outcome = await app.get(ProviderReconciliationUseCase).reconcile();
    expect(outcome).toMatchObject({ missing: 1, error_state: 1, stopped_unexpectedly: 1 });
    expect(await rows([lost, broken, stopped, fine])).toEqual([
      { id: lost, status: 'failed', status_reason: 'reconciliation: the provider reports it destroyed' },
      { id: broken, status: 'failed', status_reason: 'reconciliation: the provider reports it error' },
      { id: stopped, status: 'available', status_reason: null },
      { id: fine, status: 'available', status_reason: null },
    ]);
    await waitFor(
      () =>
        app.fleet.observer.received.filter(
          ({ envelope }) =>
            envelope.type === 'device.failed' &&
            [lost, broken].includes((envelope.data as { deviceId: string }).deviceId),
        ).length === 2 || undefined,
      { description: 'device.failed for both' },
    );
    const again = await app.get(ProviderReconciliationUseCase).reconcile();
    expect(again).toMatchObject({ missing: 0, error_state: 0 });
    for (const id of [lost, broken, stopped]) states.delete(await providerIdOf(id));
  });

  it('destroys devices only the provider knows once past the creation grace, retired leftovers included', async () => {
    const orphan = await provider.createDevice(SPEC);
    const [retired] = await app.addDevices(1, { region: region() });
    const leftover = await provider.createDevice(SPEC);
    await app.query(`UPDATE devices SET status = 'retired', provider_device_id = $2 WHERE id = $1`, [
      retired,
      leftover.providerDeviceId,
    ]);

    const first = await app.get(ProviderReconciliationUseCase).reconcile();
    expect(first).toMatchObject({ orphan: 2, orphan_destroyed: 0 });
    expect(await provider.getDeviceState(orphan.providerDeviceId)).not.toBe('destroyed');

    await app.query(`UPDATE provider_orphans SET first_seen_at = now() - interval '1 hour'`);
    const second = await app.get(ProviderReconciliationUseCase).reconcile();
    expect(second).toMatchObject({ orphan: 2, orphan_destroyed: 2 });
    expect(await provider.getDeviceState(orphan.providerDeviceId)).toBe('destroyed');
    expect(await provider.getDeviceState(leftover.providerDeviceId)).toBe('destroyed');
    expect(await app.query(`SELECT * FROM provider_orphans`)).toEqual([]);
    expect(await app.get(ProviderReconciliationUseCase).reconcile()).toMatchObject({ orphan: 0 });
  });

  it('destroys once more what retired devices left at the provider, once each', async () => {
    const leftover = await provider.createDevice(SPEC);
    const [retired] = await app.addDevices(1, { region: region() });
    await app.query(`UPDATE devices SET status = 'retired', provider_device_id = $2 WHERE id = $1`, [
      retired,
      leftover.providerDeviceId,
    ]);
    const cleanup = app.get(DeviceLifecycleCleanupUseCase);
    const first = await cleanup.cleanUp(new AbortController().signal);
    expect(first.cleared).toBeGreaterThanOrEqual(1);
    expect(await provider.getDeviceState(leftover.providerDeviceId)).toBe('destroyed');
    expect(
      await app.query(`SELECT leftovers_cleared_at IS NOT NULL AS cleared FROM devices WHERE id = $1`, [
        retired,
      ]),
    ).toEqual([{ cleared: true }]);
    expect(await cleanup.cleanUp(new AbortController().signal)).toEqual({ cleared: 0, failed: 0 });
  });
});
