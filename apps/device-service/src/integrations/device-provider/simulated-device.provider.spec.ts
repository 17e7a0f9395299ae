import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { decodeAdbMessage, hostConnectMessage } from './adb-wire';
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
    // Timers may fire up to a millisecond early and, on a busy machine, late: a call held up by
    // another process says nothing of the draw, so the upper bound is on the 90th percentile.
    durations.sort((a, b) => a - b);
    expect(durations[0]).toBeGreaterThanOrEqual(latencyMs * 0.5 - 1);
    expect(durations[Math.floor(durations.length * 0.9)]).toBeLessThan(latencyMs * 1.5 + 25);
    expect(durations[0]).toBeLessThan(latencyMs * 0.8);
    expect(durations[durations.length - 1]).toBeGreaterThan(latencyMs * 1.2);
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

describe('SimulatedDeviceProvider: wipes, power and access', () => {
  it('answers the ADB handshake on its endpoint while it runs, and counts wipes', async () => {
    const simulated = provider();
    const { providerDeviceId } = await simulated.createDevice(SPEC);
    const connection = await simulated.getConnection(providerDeviceId);
    expect(connection.stream).toMatchObject({ host: '127.0.0.1', path: '/screen' });
    expect(await banner(connection.adb.port)).toContain('ro.cloudphone.wipes=0');
    await simulated.resetDevice(providerDeviceId);
    const after = await simulated.getConnection(providerDeviceId);
    expect(await banner(after.adb.port)).toContain('ro.cloudphone.wipes=1');
    simulated.close();
  });

  it('stops (endpoint closed, state stopped), starts again, and lists what it holds', async () => {
    const simulated = provider();
    const { providerDeviceId } = await simulated.createDevice(SPEC);
    await simulated.powerDevice(providerDeviceId, 'stop');
    expect(await simulated.getDeviceState(providerDeviceId)).toBe('stopped');
    await expect(simulated.getConnection(providerDeviceId)).rejects.toMatchObject({ operation: 'connect' });
    await simulated.powerDevice(providerDeviceId, 'start');
    expect(await simulated.getDeviceState(providerDeviceId)).toBe('running');
    expect(await simulated.listDevices()).toEqual([{ providerDeviceId, state: 'running' }]);
    await simulated.destroyDevice(providerDeviceId);
    expect(await simulated.listDevices()).toEqual([]);
    await expect(simulated.resetDevice(providerDeviceId)).rejects.toMatchObject({ operation: 'reset' });
  });
});

/** The banner a device answers a host CNXN with. */
function banner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(hostConnectMessage()));
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      const decoded = decodeAdbMessage(chunk);
      resolve(decoded.kind === 'message' ? decoded.message.data.toString() : decoded.kind);
    });
    socket.once('error', reject);
  });
}
