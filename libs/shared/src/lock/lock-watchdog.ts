import type { LockDriver, LockLease, LockLostEvent } from './lock.types';
import { LockErrors } from './lock.errors';

export interface LockWatchdogOptions {
  maxHoldMs?: number;
  onLost(reason: LockLostEvent['reason']): void;
  onRenewalError(error: unknown): void;
}

/**
 * Extends a held lock every third of its TTL while its work runs. A refused extension (the lock
 * expired or someone else holds it) or no confirmed extension for a whole TTL aborts the signal;
 * a single failed renewal does not.
 */
export class LockWatchdog {
  private readonly controller = new AbortController();
  private readonly startedAt = performance.now();
  private lastConfirmedAt = this.startedAt;
  private timer: NodeJS.Timeout | undefined;
  private renewal: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly lease: LockLease,
    private readonly driver: LockDriver,
    private readonly options: LockWatchdogOptions,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get lost(): boolean {
    return this.controller.signal.aborted;
  }

  start(): void {
    this.arm();
  }

  /** Stops renewing; resolves once an extension already on the wire has settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.renewal;
  }

  private arm(): void {
    if (this.stopped || this.lost) return;
    const interval = Math.max(Math.floor(this.lease.ttlMs / 3), 5);
    this.timer = setTimeout(() => {
      this.renewal = this.renew();
    }, interval);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const heldMs = performance.now() - this.startedAt;
    const { maxHoldMs } = this.options;
    if (maxHoldMs !== undefined && heldMs >= maxHoldMs) return;
    const ttlMs =
      maxHoldMs === undefined ? this.lease.ttlMs : Math.min(this.lease.ttlMs, Math.ceil(maxHoldMs - heldMs));
    const sentAt = performance.now();
    try {
      const extended = await this.driver.extend(this.lease.resource, this.lease.token, ttlMs);
      if (this.stopped) return;
      if (!extended) return this.markLost('taken-or-expired');
      this.lastConfirmedAt = sentAt;
    } catch (error) {
      if (this.stopped) return;
      this.options.onRenewalError(error);
      // Measured on this process's monotonic clock from the last extension Redis confirmed: once a
      // whole TTL has passed without one, Redis may already have let someone else in.
      if (performance.now() - this.lastConfirmedAt >= this.lease.ttlMs)
        return this.markLost('renewal-failed');
    }
    this.arm();
  }

  private markLost(reason: LockLostEvent['reason']): void {
    this.controller.abort(LockErrors.lost(this.lease.resource, reason));
    this.options.onLost(reason);
  }
}
