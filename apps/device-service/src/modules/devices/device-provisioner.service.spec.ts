import { loadConfig } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import type { ProvisionSpec } from '../../integrations/device-provider/device-provider';
import {
  SimulatedDeviceProvider,
  type SimulatedDeviceProviderOptions,
} from '../../integrations/device-provider/simulated-device.provider';
import { DeviceProvisioner } from './device-provisioner.service';

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
  return { simulated, provisioner: new DeviceProvisioner(simulated, config) };
}

describe('DeviceProvisioner', () => {
  it('answers with the id of a device that runs at once', async () => {
    const { simulated, provisioner } = setUp({});
    const id = await provisioner.provision(SPEC);
    expect(id).toBe('sim-test-1');
    expect(await simulated.getDeviceState(id)).toBe('running');
  });

  it('waits for a booting device to run', async () => {
    // Seed 11 boots its first device in 3× the latency, longer than the first state read.
    const { simulated, provisioner } = setUp({ seed: 11, latencyMs: 20 });
    const id = await provisioner.provision(SPEC);
    expect(await simulated.getDeviceState(id)).toBe('running');
  });

  it('turns a failed create into 502 DEVICE_PROVIDER_FAILED', async () => {
    const { provisioner } = setUp({ failurePercent: 100 });
    await expect(provisioner.provision(SPEC)).rejects.toMatchObject({
      code: 'DEVICE_PROVIDER_FAILED',
      httpStatus: 502,
      details: { provider: 'simulated', operation: 'create' },
    });
  });

  it('destroys a device that does not boot in time and answers 504 DEVICE_PROVIDER_TIMEOUT', async () => {
    const { simulated, provisioner } = setUp({ seed: 11, latencyMs: 50 }, 1);
    await expect(provisioner.provision(SPEC)).rejects.toMatchObject({
      code: 'DEVICE_PROVIDER_TIMEOUT',
      httpStatus: 504,
    });
    expect(await simulated.getDeviceState('sim-test-1')).toBe('destroyed');
  });

  it('turns a failed destroy into 502 and treats a repeated destroy as done', async () => {
    const { simulated, provisioner } = setUp({});
    const id = await provisioner.provision(SPEC);
    await provisioner.destroy(id);
    await provisioner.destroy(id);
    expect(await simulated.getDeviceState(id)).toBe('destroyed');

    const failing = setUp({ failurePercent: 100 });
    await expect(failing.provisioner.destroy('sim-42-1')).rejects.toMatchObject({
      code: 'DEVICE_PROVIDER_FAILED',
      details: { operation: 'destroy' },
    });
  });
});
