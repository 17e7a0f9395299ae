import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { DeviceServiceConfig } from '../../config/device-service.config';
import {
  type DeviceConnection,
  type DeviceProvider,
  type DeviceProviderOperation,
  type PowerAction,
  type ProviderDeviceState,
  type ProvisionSpec,
} from '../../integrations/device-provider/device-provider';
import { DeviceProviderError } from '../../integrations/device-provider/device-provider.error';
import { DeviceErrors } from './devices.errors';
import { type DeviceLocation, DeviceDrivers } from './providers/device-drivers.service';

/** A device as its provider knows it: which driver (provider and node) and its id there. */
export interface DeviceAtProvider extends DeviceLocation {
  providerDeviceId: string;
}

const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 1000;

/**
 * The pool's side of the provider conversation: creates devices and waits until they run,
 * destroys them, and turns provider failures into DEVICE_PROVIDER_* errors. Each device is driven
 * by its own driver (DeviceDrivers: its node's provider, or the deployment's). A device the pool will
 * not keep is destroyed again, so a failed creation leaves nothing running (and billed) at the
 * provider.
 */
@Injectable()
export class DeviceProvisioner {
  private readonly logger = new Logger(DeviceProvisioner.name);

  constructor(
    private readonly drivers: DeviceDrivers,
    private readonly config: DeviceServiceConfig,
  ) {}

  /** The provider name new devices on this node (or without one) get. */
  async providerFor(nodeId: string | null): Promise<string> {
    return (await this.drivers.forNode(nodeId)).name;
  }

  /** Whether a driver here serves this device's provider (the deployment may have switched). */
  async serves(device: DeviceLocation): Promise<boolean> {
    return (await this.drivers.of(device)) !== null;
  }

  /** Creates a device (on the node's provider) and resolves with its provider id once it runs. */
  async provision(spec: ProvisionSpec, nodeId: string | null): Promise<DeviceAtProvider> {
    const driver = await this.drivers.forNode(nodeId);
    const created = await this.call(driver.name, 'create', () => driver.createDevice(spec));
    const device = { provider: driver.name, nodeId, providerDeviceId: created.providerDeviceId };
    try {
      await this.awaitRunning(
        driver,
        device,
        created.state,
        'create',
        this.config.deviceProviderReadyTimeoutMs,
      );
    } catch (error) {
      await this.destroyAbandoned(device);
      throw error;
    }
    return device;
  }

  async destroy(device: DeviceAtProvider): Promise<void> {
    const driver = await this.driverOf(device, 'destroy');
    await this.call(driver.name, 'destroy', () => driver.destroyDevice(device.providerDeviceId));
  }

  /** Wipes a device and resolves once it runs again (DEVICE_RESET_TIMEOUT_MS at most). */
  async reset(device: DeviceAtProvider): Promise<void> {
    const driver = await this.driverOf(device, 'reset');
    await this.call(driver.name, 'reset', () => driver.resetDevice(device.providerDeviceId));
    await this.awaitRunning(driver, device, 'provisioning', 'reset', this.config.deviceResetTimeoutMs);
  }

  /** Starts, stops or reboots a device; resolves once the provider took the order. */
  async power(device: DeviceAtProvider, action: PowerAction): Promise<void> {
    const driver = await this.driverOf(device, action);
    await this.call(driver.name, action, () => driver.powerDevice(device.providerDeviceId, action));
  }

  /** Where the access gateway reaches the device now. */
  async connection(device: DeviceAtProvider): Promise<DeviceConnection> {
    const driver = await this.driverOf(device, 'connect');
    return this.call(driver.name, 'connect', () => driver.getConnection(device.providerDeviceId));
  }

  /** The device's state at its provider (a failed read rejects, for the caller to judge). */
  async state(device: DeviceAtProvider): Promise<ProviderDeviceState> {
    const driver = await this.driverOf(device, 'getState');
    return driver.getDeviceState(device.providerDeviceId);
  }

  /** Best effort for a device the pool will not keep: a failure is logged for an operator, not thrown. */
  async destroyAbandoned(device: DeviceAtProvider): Promise<void> {
    try {
      const driver = await this.driverOf(device, 'destroy');
      await driver.destroyDevice(device.providerDeviceId);
    } catch (error) {
      this.logger.error({
        msg: 'could not destroy a device the pool abandoned; destroy it at the provider by hand',
        provider: device.provider,
        nodeId: device.nodeId,
        providerDeviceId: device.providerDeviceId,
        err: error,
      });
    }
  }

  private async driverOf(
    device: DeviceAtProvider,
    operation: DeviceProviderOperation,
  ): Promise<DeviceProvider> {
    const driver = await this.drivers.of(device);
    if (!driver)
      throw DeviceErrors.providerFailed(device.provider, operation, 'no driver here serves this provider');
    return driver;
  }

  private async awaitRunning(
    driver: DeviceProvider,
    device: DeviceAtProvider,
    initial: ProviderDeviceState,
    operation: 'create' | 'reset',
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let state = initial;
    let pollMs = FIRST_POLL_MS;
    while (state !== 'running') {
      if (state === 'error' || state === 'destroyed' || state === 'stopped') {
        throw DeviceErrors.providerFailed(driver.name, operation, `the device is ${state}`);
      }
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) throw DeviceErrors.providerTimeout(driver.name, operation, timeoutMs);
      await sleep(Math.min(pollMs, remainingMs));
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
      const previous = state;
      // A failed status read says nothing about the device; the deadline bounds the retries.
      state = await driver.getDeviceState(device.providerDeviceId).catch((error: unknown) => {
        this.logger.warn({ msg: 'device state read failed', provider: driver.name, err: error });
        return previous;
      });
    }
  }

  private async call<T>(
    provider: string,
    operation: DeviceProviderOperation,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.logger.warn({ msg: 'device provider call failed', provider, operation, err: error });
      const reason = error instanceof DeviceProviderError ? error.message : 'unexpected error';
      throw DeviceErrors.providerFailed(provider, operation, reason);
    }
  }
}
