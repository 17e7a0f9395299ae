import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { EVENT_LOOP_SAMPLE_MS } from '../concurrency/event-loop-sampling';

/** Readings older than this no longer count: a past stall does not keep the process out. */
const WINDOW_MS = 10_000;

/**
 * Readiness's "not saturated": fails while the event loop's p99 delay over the last window exceeds
 * `maxLagMs`. The threshold is meant for a wedged process (a synchronous loop, a GC death spiral),
 * not a busy one: under a burst every replica is busy at once, and taking them all out of their
 * Service would turn a slowdown into an outage.
 */
export class EventLoopHealthIndicator {
  readonly name = 'event-loop';
  private current: IntervalHistogram;
  private windowStartedAt = Date.now();
  private previousP99Ms = 0;

  constructor(private readonly maxLagMs: number) {
    this.current = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
    this.current.enable();
  }

  async check(): Promise<void> {
    const now = Date.now();
    if (now - this.windowStartedAt >= WINDOW_MS) {
      this.previousP99Ms = this.p99Ms();
      this.current.reset();
      this.windowStartedAt = now;
    }
    const lagMs = Math.max(this.previousP99Ms, this.p99Ms());
    if (lagMs > this.maxLagMs) {
      throw new Error(`event loop delay p99 ${Math.round(lagMs)} ms exceeds ${this.maxLagMs} ms`);
    }
  }

  stop(): void {
    this.current.disable();
  }

  private p99Ms(): number {
    return this.current.count === 0 ? 0 : this.current.percentile(99) / 1e6;
  }
}
