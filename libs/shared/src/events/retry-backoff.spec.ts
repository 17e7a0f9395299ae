import { retryDelayMs } from './retry-backoff';

describe('retryDelayMs', () => {
  const backoff = { initialDelayMs: 1000, maxDelayMs: 60_000 };

  it('doubles from the initial delay, half of it jitter', () => {
    expect(retryDelayMs(1, backoff, () => 0)).toBe(500);
    expect(retryDelayMs(1, backoff, () => 1)).toBe(1000);
    expect(retryDelayMs(2, backoff, () => 1)).toBe(2000);
    expect(retryDelayMs(4, backoff, () => 0.5)).toBe(6000);
  });

  it('stops at the ceiling however many attempts failed', () => {
    expect(retryDelayMs(7, backoff, () => 1)).toBe(60_000);
    expect(retryDelayMs(10_000, backoff, () => 1)).toBe(60_000);
    expect(retryDelayMs(Number.MAX_SAFE_INTEGER, backoff, () => 0)).toBe(30_000);
  });

  it('treats zero or negative attempts as the first', () => {
    expect(retryDelayMs(0, backoff, () => 1)).toBe(1000);
    expect(retryDelayMs(-5, backoff, () => 1)).toBe(1000);
  });
});
