import { loadConfig } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import type { ProvisionSpec } from '../../integrations/device-provider/device-provider';
import {
  SimulatedDeviceProvider,
  type SimulatedDeviceProviderOptions,
} from '../../integrations/device-provider/simulated-device.provider';
import { DeviceProvisioner } from './device-provisioner.service';
import type { DeviceDrivers } from './providers/device-drivers.service';

const SPEC: ProvisionSpec = {
  region: 'eu-west-1',
  androidVersion: '13',
  cpuCores: 4,
  memoryMb: 8192,
  storageGb: 64,
};

function setUp(
  provider: Partial<SimulatedDeviceProviderOptions>,
  readyTimeoutMs = 60_000,
): { simulated: SimulatedDeviceProvider; provisioner: DeviceProvisioner } {
  const simulated = new SimulatedDeviceProvider({
    seed: 42,
    latencyMs: 0,
    failurePercent: 0,
    session: 'test',
    ...provider,
  });
  const config = loadConfig(DeviceServiceConfig, {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
    REDIS_URL: 'redis://127.0.0.1:6379',
    RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
    JWT_SECRET: 'j'.repeat(32),
    SERVICE_TOKEN_SECRET: 's'.repeat(32),
    DEVICE_PROVIDER_READY_TIMEOUT_MS: String(readyTimeoutMs),
  });
  // One driver for every device of its provider, as a deployment without per-node providers has.
  const drivers = {
    of: async (device: { provider: string }) => (device.provider === simulated.name ? simulated : null),
    forNode: async () => simulated,
  } as unknown as DeviceDrivers;
  return { simulated, provisioner: new DeviceProvisioner(drivers, config) };
}

describe('DeviceProvisioner', () => {
  it('answers with the id of a device that runs at once', async () => {
    const { simulated, provisioner } = setUp({});
    const device = await provisioner.provision(SPEC, null);
    expect(device).toEqual({ provider: 'simulated', nodeId: null, providerDeviceId: 'sim-test-1' });
    expect(await simulated.getDeviceState(device.providerDeviceId)).toBe('running');
  });

  it('waits for a booting device to run', async () => {
    // Seed 11 boots its first device in 3× the latency, longer than the first state read.
    const { simulated, provisioner } = setUp({ seed: 11, latencyMs: 20 });
    const device = await provisioner.provision(SPEC, null);
    expect(await simulated.getDeviceState(device.providerDeviceId)).toBe('running');
  });

  it('turns a failed create into 502 DEVICE_PROVIDER_FAILED', async () => {
    const { provisioner } = setUp({ failurePercent: 100 });
    await expect(provisioner.provision(SPEC, null)).rejects.toMatchObject({
      code: 'DEVICE_PROVIDER_FAILED',
      httpStatus: 502,
      details: { provider: 'simulated', operation: 'create' },
    });
  });

  it('destroys a device that does not boot in time and answers 504 DEVICE_PROVIDER_TIMEOUT', async () => {
    const { simulated, provisioner } = setUp({ seed: 11, latencyMs: 5 }, 20);
    // A device that stays booting: left to the clock, a GC pause longer than its boot let it start.
    const getDeviceState = simulated.getDeviceState.bind(simulated);
    jest
      .spyOn(simulated, 'getDeviceState')
      .mockImplementation(async (id) =>
        (await getDeviceState(id)) === 'destroyed' ? 'destroyed' : 'provisioning',
      );
    await expect(provisioner.provision(SPEC, null)).rejects.toMatchObject({
      code: 'DEVICE_PROVIDER_TIMEOUT',
      httpStatus: 504,
    });
    expect(await simulated.getDeviceState('sim-test-1')).toBe('destroyed');
  });

  it('turns a failed destroy into 502 and treats a repeated destroy as done', async () => {
    const { simulated, provisioner } = setUp({});
    const device = await provisioner.provision(SPEC, null);
    await provisioner.destroy(device);
    await provisioner.destroy(device);
    expect(await simulated.getDeviceState(device.providerDeviceId)).toBe('destroyed');

    const failing = setUp({ failurePercent: 100 });
    const known = { provider: 'simulated', nodeId: null, providerDeviceId: 'sim-42-1' };
    await expect(failing.provisioner.destroy(known)).rejects.toMatchObject({
      code: 'DEVICE_PROVIDER_FAILED',
      details: { operation: 'destroy' },
    });
  });

  it('refuses to drive a device of a provider no driver here serves, naming it', async () => {
    const { provisioner } = setUp({});
    const foreign = { provider: 'redroid', nodeId: null, providerDeviceId: 'cloudphone-abc' };
    expect(await provisioner.serves(foreign)).toBe(false);
    await expect(provisioner.reset(foreign)).rejects.toMatchObject({
      code: 'DEVICE_PROVIDER_FAILED',
      details: { provider: 'redroid', operation: 'reset' },
    });
  });
});
