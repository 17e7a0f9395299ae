import type { PricePlan } from './price-plan';
import { planInForceAt, type PricePlanVersions, versionsAnswer } from './price-plan-versions';

const plan = (version: number, effectiveFrom: string): PricePlan => ({
  id: `plan-${version}`,
  currency: 'USD',
  version,
  effectiveFrom: new Date(effectiveFrom),
  baseMicrosPerHour: 1n,
  cpuCoreMicrosPerHour: 1n,
  memoryGbMicrosPerHour: 1n,
  storageGbMicrosPerHour: 1n,
});

describe('planInForceAt', () => {
  const versions = [
    plan(1, '2026-01-01T00:00:00Z'),
    plan(2, '2026-02-01T00:00:00Z'),
    plan(3, '2026-02-01T00:00:00Z'),
    plan(4, '2026-03-01T00:00:00Z'),
  ];

  it('answers the latest version in force at the start, the higher version on a tie', () => {
    expect(planInForceAt(versions, new Date('2026-01-15T00:00:00Z'))?.version).toBe(1);
    expect(planInForceAt(versions, new Date('2026-02-01T00:00:00Z'))?.version).toBe(3);
    expect(planInForceAt(versions, new Date('2026-02-28T23:59:59Z'))?.version).toBe(3);
    expect(planInForceAt(versions, new Date('2027-01-01T00:00:00Z'))?.version).toBe(4);
  });

  it('prices a start before the first version with the first, and has nothing without versions', () => {
    expect(planInForceAt(versions, new Date('2025-06-01T00:00:00Z'))?.version).toBe(1);
    expect(planInForceAt([], new Date('2026-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('versionsAnswer', () => {
  const known: PricePlanVersions = {
    versions: [plan(1, '2026-01-01T00:00:00Z')],
    readAt: new Date('2026-05-01T12:00:00Z'),
    readAtLocalMs: 10_000,
  };

  it('answers any start up to the read exactly, and nothing after it', () => {
    expect(versionsAnswer(known, new Date('2026-05-01T12:00:00Z'), 99_999, 1000)).toBe(true);
    expect(versionsAnswer(known, new Date('2026-05-01T12:00:00.001Z'), 10_000, 1000)).toBe(false);
  });

  it('answers "now" only while the read is younger than the allowed age', () => {
    expect(versionsAnswer(known, null, 10_999, 1000)).toBe(true);
    expect(versionsAnswer(known, null, 11_000, 1000)).toBe(false);
  });
});
