import { MemoryRateLimitStore } from './memory-rate-limit.store';

describe('MemoryRateLimitStore (exact sliding window)', () => {
  let now = 1_000_000;
  const store = () => new MemoryRateLimitStore(() => now);
  const limit = (points: number, windowMs: number, key = 'k') => ({ key, points, windowMs });

  beforeEach(() => (now = 1_000_000));

  it('allows exactly N in a window and says when the next one fits', async () => {
    const limiter = store();
    const verdicts = [];
    for (let i = 0; i < 5; i += 1) {
      verdicts.push(await limiter.consume([limit(3, 1000)]));
      now += 100;
    }
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false, false]);
    expect(verdicts.map((v) => v.states[0].remaining)).toEqual([2, 1, 0, 0, 0]);
    // the oldest request (t=0) leaves the window at t=1000; the 5th call came at t=400
    expect(verdicts[4].retryAfterMs).toBe(600);
    expect(verdicts[0].states[0].resetMs).toBe(1000);
  });

  it('slides: no burst of 2N across a window boundary', async () => {
    const limiter = store();
    const fire = async (count: number) => {
      const allowed = [];
      for (let i = 0; i < count; i += 1) allowed.push((await limiter.consume([limit(4, 1000)])).allowed);
      return allowed;
    };
    now += 900; // late in a would-be fixed window [0, 1000)
    expect(await fire(4)).toEqual([true, true, true, true]);
    now += 110; // just past that fixed window's boundary: a fixed window would allow 4 more here
    expect(await fire(4)).toEqual([false, false, false, false]);
    now += 891; // the first four have now left the sliding window
    expect(await fire(5)).toEqual([true, true, true, true, false]);
  });

  it('checks several limits together: a refused request spends none of them', async () => {
    const limiter = store();
    const limits = [limit(2, 1000, 'per-second'), limit(3, 60000, 'per-minute')];
    expect((await limiter.consume(limits)).allowed).toBe(true);
    expect((await limiter.consume(limits)).allowed).toBe(true);
    const refused = await limiter.consume(limits);
    expect(refused.allowed).toBe(false);
    expect(refused.states.map((s) => s.remaining)).toEqual([0, 1]);
    now += 1001;
    const third = await limiter.consume(limits);
    expect(third.allowed).toBe(true);
    expect(third.states.map((s) => s.remaining)).toEqual([1, 0]);
    now += 1001;
    const blockedByMinute = await limiter.consume(limits);
    expect(blockedByMinute.allowed).toBe(false);
    expect(blockedByMinute.retryAfterMs).toBe(60000 - 2002);
  });

  it('forgets idle keys', async () => {
    const limiter = store();
    await limiter.consume([limit(1, 1000, 'a')]);
    await limiter.consume([limit(1, 1000, 'b')]);
    now += 61000;
    await limiter.consume([limit(1, 1000, 'c')]);
    expect(limiter.size).toBe(1);
  });
});
