import { performance } from 'node:perf_hooks';
import type { ProvisionSpec } from './device-provider';
import { DeviceProviderError } from './device-provider.error';
import { SimulatedDeviceProvider, type SimulatedDeviceProviderOptions } from './simulated-device.provider';

const SPEC: ProvisionSpec = {
  region: 'eu-west-1',
  androidVersion: '13',
  cpuCores: 4,
  memoryMb: 8192,
  storageGb: 64,
};

function provider(options: Partial<SimulatedDeviceProviderOptions> = {}): SimulatedDeviceProvider {
  return new SimulatedDeviceProvider({
    seed: 42,
    latencyMs: 0,
    failurePercent: 0,
    session: 'a1b2c3d4e5f6',
    ...options,
  });
}

/** What each of `count` creates did: the id it returned or the error it threw. */
async function createOutcomes(simulated: SimulatedDeviceProvider, count: number): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i += 1) {
    try {
      outcomes.push((await simulated.createDevice(SPEC)).providerDeviceId);
    } catch (error) {
      outcomes.push(error instanceof DeviceProviderError ? `failed ${error.operation}` : String(error));
    }
  }
  return outcomes;
}

describe('SimulatedDeviceProvider', () => {
  it('behaves the same under the same seed and differently under another', async () => {
    const first = await createOutcomes(provider({ failurePercent: 40 }), 60);
    const second = await createOutcomes(provider({ failurePercent: 40 }), 60);
    const otherSeed = await createOutcomes(provider({ failurePercent: 40, seed: 43 }), 60);

    expect(second).toEqual(first);
    expect(first).toContain('failed create');
    expect(first.filter((outcome) => outcome.startsWith('sim-a1b2c3d4e5f6-')).length).toBeGreaterThan(0);
    expect(otherSeed).not.toEqual(first);
  });

  it('numbers ids by create call within the session, failed creates included', async () => {
    const outcomes = await createOutcomes(provider({ failurePercent: 50 }), 20);
    outcomes.forEach((outcome, index) => {
      if (outcome !== 'failed create') expect(outcome).toBe(`sim-a1b2c3d4e5f6-${index + 1}`);
    });
  });

  it('fails about the configured share of calls, never at 0 % and always at 100 %', async () => {
    const outcomes = await createOutcomes(provider({ failurePercent: 30, seed: 7 }), 2000);
    const failureShare = outcomes.filter((outcome) => outcome === 'failed create').length / outcomes.length;
    expect(failureShare).toBeGreaterThan(0.26);
    expect(failureShare).toBeLessThan(0.34);

    expect(await createOutcomes(provider({ failurePercent: 0 }), 200)).not.toContain('failed create');
    const always = provider({ failurePercent: 100 });
    await expect(always.createDevice(SPEC)).rejects.toMatchObject({
      provider: 'simulated',
      operation: 'create',
    });
    await expect(always.getDeviceState('sim-1-1')).rejects.toMatchObject({ operation: 'getState' });
    await expect(always.destroyDevice('sim-1-1')).rejects.toMatchObject({ operation: 'destroy' });
  });

  it('takes 50–150 % of the configured latency per call', async () => {
    const latencyMs = 20;
    const simulated = provider({ latencyMs });
    const durations: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const started = performance.now();
      await simulated.getDeviceState('sim-1-1');
      durations.push(performance.now() - started);
    }
    // Timers may fire up to a millisecond early and, on a busy machine, somewhat late.
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(latencyMs * 0.5 - 1);
    expect(Math.max(...durations)).toBeLessThan(latencyMs * 1.5 + 25);
    expect(Math.min(...durations)).toBeLessThan(latencyMs * 0.8);
    expect(Math.max(...durations)).toBeGreaterThan(latencyMs * 1.2);
  });

  it('boots a new device, runs it, then destroys it (twice is fine)', async () => {
    const simulated = provider({ latencyMs: 10 });
    const created = await simulated.createDevice(SPEC);
    expect(created.state).toBe('provisioning');

    // Boot takes at most 3× the latency; the state calls themselves take time as well.
    await new Promise((resolve) => setTimeout(resolve, 35));
    expect(await simulated.getDeviceState(created.providerDeviceId)).toBe('running');

    await simulated.destroyDevice(created.providerDeviceId);
    expect(await simulated.getDeviceState(created.providerDeviceId)).toBe('destroyed');
    await simulated.destroyDevice(created.providerDeviceId);
    expect(await simulated.getDeviceState(created.providerDeviceId)).toBe('destroyed');
  });

  it('runs devices at once without latency, and treats devices it did not create as running', async () => {
    const simulated = provider();
    expect((await simulated.createDevice(SPEC)).state).toBe('running');
    expect(await simulated.getDeviceState('sim-42-17')).toBe('running');
    await simulated.destroyDevice('sim-42-17');
    expect(await simulated.getDeviceState('sim-42-17')).toBe('destroyed');
  });
});
