import {
  effectivePriority,
  estimatedWaitMinutes,
  requirementsImply,
  TIER_BASE_PRIORITY,
} from './queue-priority';

const T0 = new Date('2026-12-04T12:00:00.000Z');
const after = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('queue priority', () => {
  it('starts at the tier base and ages one point per whole minute waited', () => {
    expect(effectivePriority(TIER_BASE_PRIORITY.pro, T0, T0, 1)).toBe(20);
    expect(effectivePriority(TIER_BASE_PRIORITY.pro, T0, new Date(T0.getTime() + 59_999), 1)).toBe(20);
    expect(effectivePriority(TIER_BASE_PRIORITY.free, T0, after(7), 1)).toBe(7);
    expect(effectivePriority(TIER_BASE_PRIORITY.free, T0, after(7), 3)).toBe(21);
    // A clock behind the enqueue time never lowers it.
    expect(effectivePriority(10, T0, after(-5), 1)).toBe(10);
  });

  it('lets a waiting free entry pass a fresh pro one after 20 minutes, and every newer one after', () => {
    const free = (now: Date) => effectivePriority(TIER_BASE_PRIORITY.free, T0, now, 1);
    const freshPro = (now: Date) => effectivePriority(TIER_BASE_PRIORITY.pro, now, now, 1);
    expect(free(after(19))).toBeLessThan(freshPro(after(19)));
    expect(free(after(21))).toBeGreaterThan(freshPro(after(21)));
    expect(free(after(31))).toBeGreaterThan(
      effectivePriority(TIER_BASE_PRIORITY.enterprise, after(31), after(31), 1),
    );
  });

  it('estimates the wait from the place, the mean rental and the devices', () => {
    expect(estimatedWaitMinutes(1, 30, 10)).toBe(3);
    expect(estimatedWaitMinutes(4, 30, 0)).toBe(120);
    expect(estimatedWaitMinutes(0, 30, 5)).toBe(0);
  });

  it('knows when a request can only be met by devices another one could use', () => {
    expect(requirementsImply({}, {})).toBe(true);
    expect(requirementsImply({ region: 'eu', cpuCores: 4 }, { region: 'eu' })).toBe(true);
    expect(requirementsImply({ region: 'eu' }, { region: 'eu', cpuCores: 4 })).toBe(false);
    expect(requirementsImply({ region: 'eu' }, {})).toBe(true);
    expect(requirementsImply({}, { region: 'eu' })).toBe(false);
    expect(requirementsImply({ region: 'us' }, { region: 'eu' })).toBe(false);
    expect(requirementsImply({ androidVersion: '13', memoryMb: 8192 }, { memoryMb: 4096 })).toBe(true);
    expect(requirementsImply({ storageGb: 10 }, { storageGb: 64 })).toBe(false);
  });
});
