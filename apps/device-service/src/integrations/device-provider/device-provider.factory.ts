import { randomBytes } from 'node:crypto';
import type { HttpClientRegistry } from '@cloudphone/shared';
import type { DeviceServiceConfig } from '../../config/device-service.config';
import type { DeviceProvider } from './device-provider';
import { RedroidDeviceProvider } from './redroid-device.provider';
import { SimulatedDeviceProvider } from './simulated-device.provider';

/**
 * The driver DEVICE_PROVIDER names. Drivers that call out over HTTP get their client from the
 * shared registry, so they follow the platform's HTTP_CLIENT_* policy.
 */
export function createDeviceProvider(
  config: DeviceServiceConfig,
  registry: HttpClientRegistry,
): DeviceProvider {
  switch (config.deviceProvider) {
    case 'simulated':
      return new SimulatedDeviceProvider({
        seed: config.simulatedProviderSeed,
        latencyMs: config.simulatedProviderLatencyMs,
        failurePercent: config.simulatedProviderFailurePercent,
        session: randomBytes(6).toString('hex'),
      });
    case 'redroid':
      return new RedroidDeviceProvider(
        {
          dockerUrl: config.requiredRedroidDockerUrl(),
          apiVersion: config.redroidApiVersion,
          image: config.redroidImage,
          bootArgs: config.redroidBootArgs.split(/ +/),
          advertisedHost: config.redroidAdvertisedHost,
          adbBindIp: config.redroidAdbBindIp,
          timeoutMs: config.redroidTimeoutMs,
        },
        registry,
      );
  }
}
