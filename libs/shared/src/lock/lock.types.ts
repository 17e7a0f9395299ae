/** How to acquire a lock. */
export interface LockOptions {
  /** Lease length; Redis expires the lock this long after the last acquire or extend. */
  ttlMs: number;
  /** Further attempts after the first when the lock is held (default 0: try once). */
  retries?: number;
  /** First retry delay; doubles per attempt up to 32× (and never beyond the TTL) (default 50). */
  retryDelayMs?: number;
  /** Random extra delay per retry, so contenders spread out (default 25). */
  jitterMs?: number;
  /** Metric label for this lock (default: the resource up to its first `:`); keep it low-cardinality. */
  metricLabel?: string;
}

/** A lock this process holds. */
export interface LockLease {
  resource: string;
  /** Random owner token; only its holder can release or extend the lock. */
  token: string;
  /**
   * Strictly increasing per resource across every process, so a downstream store can refuse writes
   * from a holder that was paused past its TTL (keep the highest seen, reject lower ones).
   */
  fencingToken: number;
  ttlMs: number;
}

/** What a function running under `withLock` gets. */
export interface HeldLock extends LockLease {
  /** Aborted when the lock is lost (could not be extended); stop writing when it fires. */
  signal: AbortSignal;
}

/** Options for running a function while holding an acquired lease. */
export interface HoldOptions {
  /** Keep the lock at least this long after acquiring it, even when the function ends sooner. */
  minHoldMs?: number;
  /** Stop extending the lock after this long, so a stuck function cannot hold it for ever. */
  maxHoldMs?: number;
  metricLabel?: string;
}

/** Emitted as `lock.lost` when the watchdog cannot keep a held lock. */
export interface LockLostEvent {
  resource: string;
  fencingToken: number;
  reason: 'taken-or-expired' | 'renewal-failed';
}

/**
 * Where locks live: Redis for real deployments, the process itself for a standalone instance.
 * Results: `acquire` → a fencing token, or a negative number whose magnitude is the holder's
 * remaining TTL in ms (at least 1) when the lock is held.
 */
export interface LockDriver {
  readonly kind: 'redis' | 'in-process';
  acquire(resource: string, token: string, ttlMs: number): Promise<number>;
  release(resource: string, token: string): Promise<boolean>;
  extend(resource: string, token: string, ttlMs: number): Promise<boolean>;
}

export const LOCK_LOST_EVENT = 'lock.lost';
