import { setTimeout as sleep } from 'node:timers/promises';
import { SeededRandom } from '@cloudphone/shared';
import type {
  DeviceConnection,
  DeviceProvider,
  DeviceProviderOperation,
  PowerAction,
  ProviderDeviceListing,
  ProviderDeviceState,
  ProvisionedDevice,
  ProvisionSpec,
} from './device-provider';
import { DeviceProviderError } from './device-provider.error';
import { SIMULATED_STREAM_PATH, SimulatedDeviceEndpoint } from './simulated-device.endpoint';

export interface SimulatedDeviceProviderOptions {
  seed: number;
  /** Mean call latency: each call takes 50–150 % of it; a new device boots in 100–300 % of it. */
  latencyMs: number;
  /** Share of calls (0–100) that fail after their latency. */
  failurePercent: number;
  /**
   * Part of every device id, so processes sharing a seed (replicas, restarts) never hand out the
   * same id. Hex of 11+ characters never equals a decimal seed (≤ 10 digits), so these ids cannot
   * collide with the `sim-<seed>-<n>` ids of `npm run seed` either.
   */
  session: string;
}

interface SimulatedDevice {
  readyAt: number;
  destroyed: boolean;
  poweredOff: boolean;
  /** Completed wipes, shown in its ADB banner and screen so tests can tell a wiped device. */
  wipes: number;
  endpoint: SimulatedDeviceEndpoint;
}

/**
 * A cloud-phone provider in memory, for development and tests: realistic latency, failures at a
 * set rate and devices that boot before they run. Latencies, failures, boot times and the id
 * sequence follow the seed: every draw happens when a call starts, so the same calls in the same
 * order behave the same. Devices it did not create (the seeded pool, another replica's) count as
 * running until destroyed here. Each device it knows answers on a local TCP endpoint (ADB handshake,
 * HTTP screen frame) while it runs; a wipe, stop or destroy drops the connections to it.
 */
export class SimulatedDeviceProvider implements DeviceProvider {
  readonly name = 'simulated';
  private readonly random: SeededRandom;
  private readonly devices = new Map<string, SimulatedDevice>();
  private sequence = 0;

  constructor(private readonly options: SimulatedDeviceProviderOptions) {
    this.random = new SeededRandom(options.seed);
  }

  async createDevice(_spec: ProvisionSpec): Promise<ProvisionedDevice> {
    const bootMs = this.bootMs();
    this.sequence += 1;
    const providerDeviceId = `sim-${this.options.session}-${this.sequence}`;
    await this.simulateCall('create');
    const device = this.device(providerDeviceId);
    device.readyAt = Date.now() + bootMs;
    return { providerDeviceId, state: this.stateOf(device) };
  }

  async getDeviceState(providerDeviceId: string): Promise<ProviderDeviceState> {
    await this.simulateCall('getState');
    const device = this.devices.get(providerDeviceId);
    return device ? this.stateOf(device) : 'running';
  }

  async destroyDevice(providerDeviceId: string): Promise<void> {
    await this.simulateCall('destroy');
    const device = this.device(providerDeviceId);
    device.destroyed = true;
    device.endpoint.close();
  }

  async resetDevice(providerDeviceId: string): Promise<void> {
    const bootMs = this.bootMs();
    await this.simulateCall('reset');
    const device = this.liveDevice(providerDeviceId, 'reset');
    device.endpoint.close();
    device.wipes += 1;
    device.poweredOff = false;
    device.readyAt = Date.now() + bootMs;
  }

  async powerDevice(providerDeviceId: string, action: PowerAction): Promise<void> {
    const bootMs = this.bootMs();
    await this.simulateCall(action);
    const device = this.liveDevice(providerDeviceId, action);
    if (action === 'stop') {
      device.poweredOff = true;
      device.endpoint.close();
      return;
    }
    if (action === 'start' && !device.poweredOff) return;
    device.endpoint.close();
    device.poweredOff = false;
    device.readyAt = Date.now() + bootMs;
  }

  async getConnection(providerDeviceId: string): Promise<DeviceConnection> {
    await this.simulateCall('connect');
    const device = this.liveDevice(providerDeviceId, 'connect');
    if (this.stateOf(device) !== 'running') {
      throw new DeviceProviderError(this.name, 'connect', `device is ${this.stateOf(device)}`);
    }
    const port = await device.endpoint.open();
    return {
      adb: { host: '127.0.0.1', port },
      stream: { host: '127.0.0.1', port, path: SIMULATED_STREAM_PATH },
    };
  }

  async listDevices(): Promise<ProviderDeviceListing[]> {
    await this.simulateCall('list');
    return [...this.devices]
      .filter(([, device]) => !device.destroyed)
      .map(([providerDeviceId, device]) => ({ providerDeviceId, state: this.stateOf(device) }));
  }

  /** Closes every endpoint (the process is stopping). */
  close(): void {
    for (const device of this.devices.values()) device.endpoint.close();
  }

  private bootMs(): number {
    return this.options.latencyMs * (1 + 2 * this.random.next());
  }

  // Devices it did not create (the seeded pool, another replica's) are known from their first call.
  private device(providerDeviceId: string): SimulatedDevice {
    let device = this.devices.get(providerDeviceId);
    if (!device) {
      const created: SimulatedDevice = {
        readyAt: 0,
        destroyed: false,
        poweredOff: false,
        wipes: 0,
        endpoint: new SimulatedDeviceEndpoint(providerDeviceId, () => created.wipes),
      };
      device = created;
      this.devices.set(providerDeviceId, device);
    }
    return device;
  }

  private liveDevice(providerDeviceId: string, operation: DeviceProviderOperation): SimulatedDevice {
    const device = this.device(providerDeviceId);
    if (device.destroyed) throw new DeviceProviderError(this.name, operation, 'device is destroyed');
    return device;
  }

  private stateOf(device: SimulatedDevice): ProviderDeviceState {
    if (device.destroyed) return 'destroyed';
    if (device.poweredOff) return 'stopped';
    return Date.now() >= device.readyAt ? 'running' : 'provisioning';
  }

  // Draws before the first await, so concurrent calls consume the sequence in call order.
  private async simulateCall(operation: DeviceProviderOperation): Promise<void> {
    const latencyMs = this.options.latencyMs * (0.5 + this.random.next());
    const fails = this.random.chance(this.options.failurePercent);
    if (latencyMs > 0) await sleep(latencyMs);
    if (fails) throw new DeviceProviderError(this.name, operation, `Simulated ${operation} failure`);
  }
}
