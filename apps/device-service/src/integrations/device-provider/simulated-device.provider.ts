import { setTimeout as sleep } from 'node:timers/promises';
import { SeededRandom } from '@cloudphone/shared';
import type {
  DeviceProvider,
  DeviceProviderOperation,
  ProviderDeviceState,
  ProvisionedDevice,
  ProvisionSpec,
} from './device-provider';
import { DeviceProviderError } from './device-provider.error';

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
}

/**
 * A cloud-phone provider in memory, for development and tests: realistic latency, failures at a
 * set rate and devices that boot before they run. Latencies, failures, boot times and the id
 * sequence follow the seed: every draw happens when a call starts, so the same calls in the same
 * order behave the same. Devices it did not create (the seeded pool, another replica's) count as
 * running until destroyed here.
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
    const bootMs = this.options.latencyMs * (1 + 2 * this.random.next());
    this.sequence += 1;
    const providerDeviceId = `sim-${this.options.session}-${this.sequence}`;
    await this.simulateCall('create');
    const device = { readyAt: Date.now() + bootMs, destroyed: false };
    this.devices.set(providerDeviceId, device);
    return { providerDeviceId, state: this.stateOf(device) };
  }

  async getDeviceState(providerDeviceId: string): Promise<ProviderDeviceState> {
    await this.simulateCall('getState');
    const device = this.devices.get(providerDeviceId);
    return device ? this.stateOf(device) : 'running';
  }

  async destroyDevice(providerDeviceId: string): Promise<void> {
    await this.simulateCall('destroy');
    this.devices.set(providerDeviceId, { readyAt: 0, destroyed: true });
  }

  private stateOf(device: SimulatedDevice): ProviderDeviceState {
    if (device.destroyed) return 'destroyed';
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
