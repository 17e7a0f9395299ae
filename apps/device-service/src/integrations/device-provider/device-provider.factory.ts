import { randomBytes } from 'node:crypto';
import type { HttpClientRegistry } from '@cloudphone/shared';
import type { DeviceProviderKind, DeviceServiceConfig } from '../../config/device-service.config';
import type { DeviceProvider } from './device-provider';
import type { ProviderSettings } from './provider-settings';
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
  const kind = config.deviceProvider;
  return buildDeviceProvider(kind, deploymentSettings(config), config, registry);
}

/** The deployment's own settings of its DEVICE_PROVIDER, as a node would give them. */
export function deploymentSettings(config: DeviceServiceConfig): ProviderSettings {
  return config.deviceProvider === 'redroid' ? { dockerUrl: config.requiredRedroidDockerUrl() } : {};
}

/**
 * A driver of `kind` with a node's settings (already checked by parseProviderSettings); what they
 * leave out comes from the deployment's settings of that kind.
 */
export function buildDeviceProvider(
  kind: DeviceProviderKind,
  settings: ProviderSettings,
  config: DeviceServiceConfig,
  registry: HttpClientRegistry,
): DeviceProvider {
  switch (kind) {
    case 'simulated':
      return new SimulatedDeviceProvider({
        seed: config.simulatedProviderSeed,
        latencyMs: config.simulatedProviderLatencyMs,
        failurePercent: config.simulatedProviderFailurePercent,
        session: randomBytes(6).toString('hex'),
      });
    case 'redroid': {
      const text = (key: string, fallback: string) =>
        typeof settings[key] === 'string' ? (settings[key] as string) : fallback;
      return new RedroidDeviceProvider(
        {
          dockerUrl: text('dockerUrl', config.redroidDockerUrl ?? ''),
          apiVersion: text('apiVersion', config.redroidApiVersion),
          image: text('image', config.redroidImage),
          bootArgs: text('bootArgs', config.redroidBootArgs).split(/ +/),
          advertisedHost: text('advertisedHost', config.redroidAdvertisedHost),
          adbBindIp: text('adbBindIp', config.redroidAdbBindIp),
          timeoutMs: typeof settings.timeoutMs === 'number' ? settings.timeoutMs : config.redroidTimeoutMs,
        },
        registry,
      );
    }
  }
}
