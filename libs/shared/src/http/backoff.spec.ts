import { fullJitterBackoffMs, parseRetryAfterMs } from './backoff';

describe('fullJitterBackoffMs', () => {
  it('draws from [0, base·2^(retry−1)], capped at the maximum', () => {
    expect(fullJitterBackoffMs(1, 100, 5000, () => 0.999)).toBe(99);
    expect(fullJitterBackoffMs(3, 100, 5000, () => 0.999)).toBe(399);
    expect(fullJitterBackoffMs(10, 100, 5000, () => 0.999)).toBe(4995);
    expect(fullJitterBackoffMs(3, 100, 5000, () => 0)).toBe(0);
  });

  it('spreads real random delays over the whole range', () => {
    const delays = Array.from({ length: 2000 }, () => fullJitterBackoffMs(4, 50, 10_000));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(400);
    expect(delays.filter((delay) => delay < 200).length).toBeGreaterThan(800);
    expect(delays.filter((delay) => delay >= 200).length).toBeGreaterThan(800);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or malformed values', () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-1', now)).toBeUndefined();
  });
});
