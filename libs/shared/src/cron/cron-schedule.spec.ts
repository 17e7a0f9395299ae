import { CronSchedule } from './cron-schedule';

describe('CronSchedule', () => {
  it('reads six-field expressions with seconds first', () => {
    const everySecond = new CronSchedule('* * * * * *', 'UTC');
    const at = Date.parse('2025-01-01T00:00:01.000Z');
    expect(everySecond.nextAfter(at)).toBe(at + 1000);
    expect(everySecond.nextAfter(at + 400)).toBe(at + 1000);
    expect(everySecond.latestAtOrBefore(at)).toBe(at);
    expect(everySecond.latestAtOrBefore(at + 999)).toBe(at);
  });

  it('reads five-field expressions in the given time zone', () => {
    const nineInParis = new CronSchedule('0 9 * * *', 'Europe/Paris');
    expect(new Date(nineInParis.nextAfter(Date.parse('2025-01-15T00:00:00Z'))).toISOString()).toBe(
      '2025-01-15T08:00:00.000Z',
    );
    expect(new Date(nineInParis.nextAfter(Date.parse('2025-07-15T00:00:00Z'))).toISOString()).toBe(
      '2025-07-15T07:00:00.000Z',
    );
  });

  it('rejects a malformed expression or an unknown time zone when built', () => {
    expect(() => new CronSchedule('not a cron', 'UTC')).toThrow();
    expect(() => new CronSchedule('* * * * *', 'Mars/Olympus_Mons')).toThrow();
  });
});
