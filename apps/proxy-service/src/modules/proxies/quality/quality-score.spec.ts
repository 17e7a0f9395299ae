import { qualityScore } from './quality-score';

describe('qualityScore', () => {
  it('is 100 for a fast proxy that always works and 0 for one that never does', () => {
    expect(qualityScore({ probes: 10, successes: 10, averageLatencyMs: 50 })).toBe(100);
    expect(qualityScore({ probes: 10, successes: 0, averageLatencyMs: null })).toBe(0);
  });

  it('weighs working over speed', () => {
    const slowButSure = qualityScore({ probes: 10, successes: 10, averageLatencyMs: 5000 })!;
    const fastButFlaky = qualityScore({ probes: 10, successes: 5, averageLatencyMs: 50 })!;
    expect(slowButSure).toBe(70);
    expect(fastButFlaky).toBe(50);
    expect(slowButSure).toBeGreaterThan(fastButFlaky);
  });

  it('falls steadily with latency between fast and slow', () => {
    const scores = [100, 500, 1000, 1500, 2000].map((latency) =>
      qualityScore({ probes: 4, successes: 4, averageLatencyMs: latency })!,
    );
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBe(100);
    expect(scores[4]).toBe(70);
  });

  it('leaves the score alone without probes, and stays within 0–100 on odd input', () => {
    expect(qualityScore({ probes: 0, successes: 0, averageLatencyMs: null })).toBeNull();
    expect(qualityScore({ probes: 1, successes: 5, averageLatencyMs: -10 })).toBe(100);
  });
});
