import { planDevicePool } from './device-pool.seed';

describe('planDevicePool', () => {
  it('describes the same pool for the same seed, and a larger count extends it', () => {
    const pool = planDevicePool({ count: 200, seed: 7 });
    expect(planDevicePool({ count: 200, seed: 7 })).toEqual(pool);
    expect(planDevicePool({ count: 80, seed: 7 })).toEqual(pool.slice(0, 80));
    expect(planDevicePool({ count: 200, seed: 8 })).not.toEqual(pool);
  });

  it('names devices sim-<seed>-<n> for the simulated provider', () => {
    const pool = planDevicePool({ count: 3, seed: 7 });
    expect(pool.map((device) => device.providerDeviceId)).toEqual(['sim-7-1', 'sim-7-2', 'sim-7-3']);
    expect(new Set(pool.map((device) => device.provider))).toEqual(new Set(['simulated']));
  });

  it('mixes spec classes, regions and Android versions in realistic proportions', () => {
    const pool = planDevicePool({ count: 10_000, seed: 42 });
    const share = (predicate: (device: (typeof pool)[number]) => boolean) =>
      pool.filter(predicate).length / pool.length;

    expect(
      new Set(pool.map((device) => `${device.cpuCores}/${device.memoryMb}/${device.storageGb}`)),
    ).toEqual(new Set(['2/4096/32', '4/8192/64', '8/16384/128', '16/32768/256']));
    expect(share((device) => device.cpuCores === 4)).toBeCloseTo(0.4, 1);
    expect(share((device) => device.cpuCores === 16)).toBeCloseTo(0.05, 1);
    expect(new Set(pool.map((device) => device.region))).toEqual(
      new Set(['us-east-1', 'eu-west-1', 'ap-southeast-1', 'cn-hangzhou']),
    );
    expect(share((device) => device.region === 'cn-hangzhou')).toBeCloseTo(0.15, 1);
    expect(new Set(pool.map((device) => device.androidVersion))).toEqual(new Set(['11', '12', '13', '14']));
    expect(share((device) => device.androidVersion === '11')).toBeCloseTo(0.1, 1);
  });
});
