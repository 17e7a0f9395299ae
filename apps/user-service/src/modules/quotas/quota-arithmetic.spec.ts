import { firstExceeded, limitsBelowUsage } from './quota-arithmetic';

const LIMITS = { devices: 3, cpuCores: 12, memoryMb: 24576, storageGb: 192 };
const USAGE = { devices: 2, cpuCores: 8, memoryMb: 16384, storageGb: 128 };

describe('quota arithmetic', () => {
  it('allows a request that reaches a limit exactly', () => {
    expect(
      firstExceeded(LIMITS, USAGE, { devices: 1, cpuCores: 4, memoryMb: 8192, storageGb: 64 }),
    ).toBeUndefined();
  });

  it('names the first exceeded resource in contract order', () => {
    expect(firstExceeded(LIMITS, USAGE, { devices: 2, cpuCores: 5, memoryMb: 0, storageGb: 0 })).toBe(
      'devices',
    );
    expect(firstExceeded(LIMITS, USAGE, { devices: 1, cpuCores: 5, memoryMb: 9000, storageGb: 0 })).toBe(
      'cpuCores',
    );
    expect(firstExceeded(LIMITS, USAGE, { devices: 0, cpuCores: 0, memoryMb: 0, storageGb: 65 })).toBe(
      'storageGb',
    );
  });

  it('lists every proposed limit below current usage', () => {
    expect(limitsBelowUsage({ ...LIMITS, devices: 1, memoryMb: 16384, storageGb: 100 }, USAGE)).toEqual([
      { resource: 'devices', limit: 1, usage: 2 },
      { resource: 'storageGb', limit: 100, usage: 128 },
    ]);
    expect(limitsBelowUsage(USAGE, USAGE)).toEqual([]);
  });
});
