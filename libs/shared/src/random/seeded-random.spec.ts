import { SeededRandom } from './seeded-random';

function draws(random: SeededRandom, count: number): number[] {
  return Array.from({ length: count }, () => random.next());
}

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    expect(draws(new SeededRandom(42), 100)).toEqual(draws(new SeededRandom(42), 100));
    expect(draws(new SeededRandom(42, 7), 20)).toEqual(draws(new SeededRandom(42, 7), 20));
  });

  it('gives different sequences for different seeds and streams', () => {
    expect(draws(new SeededRandom(1), 10)).not.toEqual(draws(new SeededRandom(2), 10));
    expect(draws(new SeededRandom(1, 1), 10)).not.toEqual(draws(new SeededRandom(1, 2), 10));
  });

  it('draws floats in [0, 1) spread over the whole range', () => {
    const values = draws(new SeededRandom(3), 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('keeps integers within their bounds, reaching both ends', () => {
    const random = new SeededRandom(4);
    const values = new Set(Array.from({ length: 1000 }, () => random.integer(1, 3)));
    expect([...values].sort()).toEqual([1, 2, 3]);
  });

  it('honours chance and weights', () => {
    const random = new SeededRandom(5);
    expect(Array.from({ length: 100 }, () => random.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => random.chance(100)).every(Boolean)).toBe(true);
    const picks = Array.from({ length: 10_000 }, () =>
      random.weighted([
        ['a', 3],
        ['b', 1],
        ['never', 0],
      ] as const),
    );
    const share = picks.filter((pick) => pick === 'a').length / picks.length;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
    expect(picks).not.toContain('never');
  });
});
