import { parsePoolAutoscale } from './pool-autoscale.setting';

const POOL = {
  region: 'eu-west-1',
  androidVersion: '13',
  cpuCores: 4,
  memoryMb: 8192,
  storageGb: 64,
  minFree: 2,
  maxFree: 5,
};

describe('POOL_AUTOSCALE', () => {
  it('reads pools, and [] as off', () => {
    expect(parsePoolAutoscale('[]')).toEqual([]);
    expect(parsePoolAutoscale(JSON.stringify([POOL]))).toEqual([POOL]);
  });

  it.each([
    ['not JSON', '[', /valid JSON/],
    ['an object', '{}', /array/],
    ['an unknown field', JSON.stringify([{ ...POOL, constructor: 1 }]), /constructor is not a pool field/],
    ['a missing field', JSON.stringify([{ ...POOL, region: undefined }]), /region is missing/],
    ['a fractional count', JSON.stringify([{ ...POOL, minFree: 1.5 }]), /minFree must be a whole number/],
    ['min above max', JSON.stringify([{ ...POOL, minFree: 9 }]), /minFree must not exceed maxFree/],
    ['a huge count', JSON.stringify([{ ...POOL, maxFree: 1e12 }]), /maxFree/],
    ['the same pool twice', JSON.stringify([POOL, POOL]), /same pool/],
    ['a NUL in the region', JSON.stringify([{ ...POOL, region: 'eu\u0000' }]), /region/],
  ])('refuses %s, naming the problem', (_label, raw, problem) => {
    expect(() => parsePoolAutoscale(raw)).toThrow(problem);
  });
});
