import type { DeviceSpec } from '@cloudphone/contracts';

/** What a provider is asked to create: a device of this spec, in this region, on this Android. */
export interface ProvisionSpec extends DeviceSpec {
  region: string;
  androidVersion: string;
}

/**
 * A device's state at its provider: `provisioning` while it boots, `running` once usable, `error`
 * when it will never get there, `destroyed` once gone.
 */
export type ProviderDeviceState = 'provisioning' | 'running' | 'error' | 'destroyed';

export type DeviceProviderOperation = 'create' | 'getState' | 'destroy';

/** The provider's answer to a create. */
export interface ProvisionedDevice {
  providerDeviceId: string;
  state: ProviderDeviceState;
}

/**
 * A cloud (or host pool) that creates and destroys Android devices. Drivers throw
 * DeviceProviderError when a call fails; callers decide what a failure means for the pool.
 */
export interface DeviceProvider {
  /** The name stored as `devices.provider` for the devices this driver creates. */
  readonly name: string;
  createDevice(spec: ProvisionSpec): Promise<ProvisionedDevice>;
  getDeviceState(providerDeviceId: string): Promise<ProviderDeviceState>;
  /** Destroying a device that is already gone succeeds, so a retried retirement converges. */
  destroyDevice(providerDeviceId: string): Promise<void>;
}

/** Injection token of the configured DeviceProvider (DeviceProviderModule). */
export const DEVICE_PROVIDER = Symbol('DEVICE_PROVIDER');
