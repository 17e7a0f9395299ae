import type { DeviceSpec } from '@cloudphone/contracts';

/** What a provider is asked to create: a device of this spec, in this region, on this Android. */
export interface ProvisionSpec extends DeviceSpec {
  region: string;
  androidVersion: string;
}

/**
 * A device's state at its provider: `provisioning` while it boots, `running` once usable, `stopped`
 * when powered off, `error` when it will never get there, `destroyed` once gone.
 */
export type ProviderDeviceState = 'provisioning' | 'running' | 'stopped' | 'error' | 'destroyed';

export type PowerAction = 'start' | 'stop' | 'reboot';

export type DeviceProviderOperation =
  'create' | 'getState' | 'destroy' | 'reset' | 'connect' | 'list' | PowerAction;

/** The provider's answer to a create. */
export interface ProvisionedDevice {
  providerDeviceId: string;
  state: ProviderDeviceState;
}

/** A TCP endpoint at the provider. */
export interface ProviderEndpoint {
  host: string;
  port: number;
}

/**
 * Where the platform's access gateway reaches a device: its ADB daemon and, when the provider has
 * one, an HTTP screen stream (`path` on that endpoint). Renters never see these addresses; they go
 * through the gateway, which only forwards while their allocation lasts.
 */
export interface DeviceConnection {
  adb: ProviderEndpoint;
  stream: (ProviderEndpoint & { path: string }) | null;
}

/** One device as the provider lists it (reconciliation compares these with the pool). */
export interface ProviderDeviceListing {
  providerDeviceId: string;
  state: ProviderDeviceState;
}

/**
 * A cloud (or host pool) that creates, powers, wipes and destroys Android devices. Drivers throw
 * DeviceProviderError when a call fails; callers decide what a failure means for the pool. Every
 * call is safe to repeat: a retried call converges on the same device state.
 */
export interface DeviceProvider {
  /** The name stored as `devices.provider` for the devices this driver creates. */
  readonly name: string;
  createDevice(spec: ProvisionSpec): Promise<ProvisionedDevice>;
  getDeviceState(providerDeviceId: string): Promise<ProviderDeviceState>;
  /** Destroying a device that is already gone succeeds, so a retried retirement converges. */
  destroyDevice(providerDeviceId: string): Promise<void>;
  /**
   * Wipes the device back to its image (factory reset, or recreate) under the same provider id,
   * resolving once the provider has accepted it; the caller then waits for `running`.
   */
  resetDevice(providerDeviceId: string): Promise<void>;
  /** Starts, stops or reboots the device; starting a running device (or stopping a stopped one) succeeds. */
  powerDevice(providerDeviceId: string, action: PowerAction): Promise<void>;
  /** Where the gateway connects to this device (addresses may change after a reset or restart). */
  getConnection(providerDeviceId: string): Promise<DeviceConnection>;
  /** Every device this provider holds for the platform. */
  listDevices(): Promise<ProviderDeviceListing[]>;
}

/** Injection token of the configured DeviceProvider (DeviceProviderModule). */
export const DEVICE_PROVIDER = Symbol('DEVICE_PROVIDER');
