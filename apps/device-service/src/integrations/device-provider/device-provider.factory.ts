import { randomBytes } from 'node:crypto';
import type { DeviceServiceConfig } from '../../config/device-service.config';
import type { DeviceProvider } from './device-provider';
import { SimulatedDeviceProvider } from './simulated-device.provider';

/** The driver DEVICE_PROVIDER names. */
export function createDeviceProvider(config: DeviceServiceConfig): DeviceProvider {
  switch (config.deviceProvider) {
    case 'simulated':
      return new SimulatedDeviceProvider({
        seed: config.simulatedProviderSeed,
        latencyMs: config.simulatedProviderLatencyMs,
        failurePercent: config.simulatedProviderFailurePercent,
        session: randomBytes(6).toString('hex'),
      });
  }
}
