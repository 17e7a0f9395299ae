import type { RateLimitCheck, RateLimitStore, RateLimitVerdict } from './rate-limit.store';

interface Window {
  /** Ascending request times. */
  stamps: number[];
  windowMs: number;
}

const SWEEP_EVERY_MS = 60000;

/**
 * The in-process store (COORDINATION_DRIVER=memory, single instance): the same exact sliding window
 * as the Redis script, on a monotonic clock, so development and production behave alike.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private lastSweep: number;

  constructor(private readonly now: () => number = () => performance.timeOrigin + performance.now()) {
    this.lastSweep = now();
  }

  /** Keys currently tracked (for tests). */
  get size(): number {
    return this.windows.size;
  }

  async consume(checks: readonly RateLimitCheck[]): Promise<RateLimitVerdict> {
    const now = this.now();
    if (now - this.lastSweep > SWEEP_EVERY_MS) this.sweep(now);
    const windows = checks.map((check) => this.prune(check, now));
    let retryAfterMs = 0;
    checks.forEach((check, index) => {
      const { stamps } = windows[index];
      if (stamps.length >= check.points) {
        const blocking = stamps[stamps.length - check.points];
        retryAfterMs = Math.max(retryAfterMs, blocking + check.windowMs - now);
      }
    });
    const allowed = checks.every((check, index) => windows[index].stamps.length < check.points);
    if (allowed) for (const window of windows) window.stamps.push(now);
    return {
      allowed,
      retryAfterMs: Math.ceil(retryAfterMs),
      states: checks.map((check, index) => {
        const { stamps } = windows[index];
        return {
          limit: check.points,
          remaining: Math.max(check.points - stamps.length, 0),
          resetMs: Math.ceil(stamps.length > 0 ? stamps[0] + check.windowMs - now : check.windowMs),
        };
      }),
    };
  }

  private prune(check: RateLimitCheck, now: number): Window {
    let window = this.windows.get(check.key);
    if (!window) {
      window = { stamps: [], windowMs: check.windowMs };
      this.windows.set(check.key, window);
    }
    window.windowMs = check.windowMs;
    const horizon = now - check.windowMs;
    let expired = 0;
    while (expired < window.stamps.length && window.stamps[expired] <= horizon) expired += 1;
    if (expired > 0) window.stamps.splice(0, expired);
    return window;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      const newest = window.stamps[window.stamps.length - 1];
      if (newest === undefined || newest <= now - window.windowMs) this.windows.delete(key);
    }
  }
}
