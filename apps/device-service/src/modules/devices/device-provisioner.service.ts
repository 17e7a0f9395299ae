import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeviceServiceConfig } from '../../config/device-service.config';
import {
  DEVICE_PROVIDER,
  type DeviceConnection,
  type DeviceProvider,
  type DeviceProviderOperation,
  type PowerAction,
  type ProviderDeviceState,
  type ProvisionSpec,
} from '../../integrations/device-provider/device-provider';
import { DeviceProviderError } from '../../integrations/device-provider/device-provider.error';
import { DeviceErrors } from './devices.errors';

const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 1000;

/**
 * The pool's side of the provider conversation: creates devices and waits until they run,
 * destroys them, and turns provider failures into DEVICE_PROVIDER_* errors. A device the pool will
 * not keep is destroyed again, so a failed creation leaves nothing running (and billed) at the
 * provider.
 */
@Injectable()
export class DeviceProvisioner {
  private readonly logger = new Logger(DeviceProvisioner.name);

  constructor(
    @Inject(DEVICE_PROVIDER) private readonly provider: DeviceProvider,
    private readonly config: DeviceServiceConfig,
  ) {}

  /** The `devices.provider` name of the configured driver. */
  get providerName(): string {
    return this.provider.name;
  }

  /** Creates a device and resolves with its provider id once it runs. */
  async provision(spec: ProvisionSpec): Promise<string> {
    const created = await this.call('create', () => this.provider.createDevice(spec));
    try {
      await this.awaitRunning(
        created.providerDeviceId,
        created.state,
        'create',
        this.config.deviceProviderReadyTimeoutMs,
      );
    } catch (error) {
      await this.destroyAbandoned(created.providerDeviceId);
      throw error;
    }
    return created.providerDeviceId;
  }

  async destroy(providerDeviceId: string): Promise<void> {
    await this.call('destroy', () => this.provider.destroyDevice(providerDeviceId));
  }

  /** Wipes a device and resolves once it runs again (DEVICE_RESET_TIMEOUT_MS at most). */
  async reset(providerDeviceId: string): Promise<void> {
    await this.call('reset', () => this.provider.resetDevice(providerDeviceId));
    await this.awaitRunning(providerDeviceId, 'provisioning', 'reset', this.config.deviceResetTimeoutMs);
  }

  /** Starts, stops or reboots a device; resolves once the provider took the order. */
  async power(providerDeviceId: string, action: PowerAction): Promise<void> {
    await this.call(action, () => this.provider.powerDevice(providerDeviceId, action));
  }

  /** Where the access gateway reaches the device now. */
  connection(providerDeviceId: string): Promise<DeviceConnection> {
    return this.call('connect', () => this.provider.getConnection(providerDeviceId));
  }

  /** Best effort for a device the pool will not keep: a failure is logged for an operator, not thrown. */
  async destroyAbandoned(providerDeviceId: string): Promise<void> {
    try {
      await this.provider.destroyDevice(providerDeviceId);
    } catch (error) {
      this.logger.error({
        msg: 'could not destroy a device the pool abandoned; destroy it at the provider by hand',
        provider: this.provider.name,
        providerDeviceId,
        err: error,
      });
    }
  }

  private async awaitRunning(
    providerDeviceId: string,
    initial: ProviderDeviceState,
    operation: 'create' | 'reset',
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let state = initial;
    let pollMs = FIRST_POLL_MS;
    while (state !== 'running') {
      if (state === 'error' || state === 'destroyed' || state === 'stopped') {
        throw DeviceErrors.providerFailed(this.provider.name, operation, `the device is ${state}`);
      }
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) throw DeviceErrors.providerTimeout(this.provider.name, operation, timeoutMs);
      await sleep(Math.min(pollMs, remainingMs));
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
      const previous = state;
      // A failed status read says nothing about the device; the deadline bounds the retries.
      state = await this.provider.getDeviceState(providerDeviceId).catch((error: unknown) => {
        this.logger.warn({ msg: 'device state read failed', provider: this.provider.name, err: error });
        return previous;
      });
    }
  }

  private async call<T>(operation: DeviceProviderOperation, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.logger.warn({
        msg: 'device provider call failed',
        provider: this.provider.name,
        operation,
        err: error,
      });
      const reason = error instanceof DeviceProviderError ? error.message : 'unexpected error';
      throw DeviceErrors.providerFailed(this.provider.name, operation, reason);
    }
  }
}
