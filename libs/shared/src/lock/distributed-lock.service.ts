import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { heldLockStorage } from './held-lock.context';
import { LockErrors } from './lock.errors';
import {
  type HeldLock,
  type HoldOptions,
  LOCK_LOST_EVENT,
  type LockDriver,
  type LockLease,
  type LockLostEvent,
  type LockOptions,
} from './lock.types';
import { LockWatchdog } from './lock-watchdog';

export const LOCK_DRIVER = Symbol('LOCK_DRIVER');

/** Retry delays stop doubling at 32× retryDelayMs. */
const MAX_BACKOFF_DOUBLINGS = 5;

/**
 * Mutual exclusion across every replica: acquire / release / extend by owner token, `withLock` with
 * a renewal watchdog, and a fencing token per acquisition. Redis down → acquire throws
 * LOCK_BACKEND_UNAVAILABLE within the command timeout; nothing runs as if it held the lock.
 */
@Injectable()
export class DistributedLockService {
  /** Emits `lock.lost` (LockLostEvent) when a held lock could not be kept. */
  readonly events = new EventEmitter();
  private readonly logger = new Logger('DistributedLock');
  private readonly acquireSeconds: Histogram<'lock' | 'result'>;
  private readonly lostTotal: Counter<'lock' | 'reason'>;
  private readonly renewalErrorsTotal: Counter<'lock'>;

  constructor(
    @Inject(LOCK_DRIVER) private readonly driver: LockDriver,
    metrics: MetricsService,
  ) {
    this.acquireSeconds = metrics.histogram({
      name: 'cloudphone_lock_acquire_duration_seconds',
      help: 'Time to acquire a lock, retries included, by outcome (acquired, busy, error)',
      labelNames: ['lock', 'result'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.lostTotal = metrics.counter({
      name: 'cloudphone_lock_lost_total',
      help: 'Held locks lost before their work finished (expired or taken, or renewal kept failing)',
      labelNames: ['lock', 'reason'],
    });
    this.renewalErrorsTotal = metrics.counter({
      name: 'cloudphone_lock_renewal_errors_total',
      help: 'Lock extensions that failed with a backend error (the lock may still be held)',
      labelNames: ['lock'],
    });
  }

  /** Which backend holds the locks: `redis` or `in-process`. */
  get driverKind(): LockDriver['kind'] {
    return this.driver.kind;
  }

  /**
   * Tries to take `resource` (with retries, exponential backoff and jitter when asked). Resolves to
   * the lease, or null when someone else still holds it; rejects with LOCK_BACKEND_UNAVAILABLE.
   */
  async acquire(resource: string, options: LockOptions): Promise<LockLease | null> {
    assertPositiveInteger('ttlMs', options.ttlMs);
    const retries = options.retries ?? 0;
    const retryDelayMs = options.retryDelayMs ?? 50;
    const jitterMs = options.jitterMs ?? 25;
    const label = options.metricLabel ?? defaultLabel(resource);
    // 122 random bits from a pooled CSPRNG: unguessable, and cheaper than a randomBytes call per lock.
    const token = randomUUID();
    const endTimer = this.acquireSeconds.startTimer({ lock: label });
    for (let attempt = 0; ; attempt += 1) {
      let result: number;
      try {
        result = await this.driver.acquire(resource, token, options.ttlMs);
      } catch (error) {
        endTimer({ result: 'error' });
        throw LockErrors.backendUnavailable(resource, (error as Error).message);
      }
      if (result > 0) {
        endTimer({ result: 'acquired' });
        return { resource, token, fencingToken: result, ttlMs: options.ttlMs };
      }
      if (attempt >= retries) {
        endTimer({ result: 'busy' });
        return null;
      }
      const backoff = Math.min(retryDelayMs * 2 ** Math.min(attempt, MAX_BACKOFF_DOUBLINGS), options.ttlMs);
      await sleep(Math.min(backoff, -result) + Math.random() * jitterMs);
    }
  }

  /** Releases the lock if `token` still owns it; false when it had expired or someone else holds it. */
  async release(resource: string, token: string): Promise<boolean> {
    try {
      return await this.driver.release(resource, token);
    } catch (error) {
      throw LockErrors.backendUnavailable(resource, (error as Error).message);
    }
  }

  /** Resets the TTL if `token` still owns the lock; false otherwise. */
  async extend(resource: string, token: string, ttlMs: number): Promise<boolean> {
    assertPositiveInteger('ttlMs', ttlMs);
    try {
      return await this.driver.extend(resource, token, ttlMs);
    } catch (error) {
      throw LockErrors.backendUnavailable(resource, (error as Error).message);
    }
  }

  /**
   * Runs `fn` holding `resource`: throws LOCK_BUSY when it cannot be acquired, keeps it alive with
   * a watchdog while `fn` runs, aborts `lock.signal` if it is lost, and always releases it.
   */
  async withLock<T>(
    resource: string,
    fn: (lock: HeldLock) => Promise<T> | T,
    options: LockOptions & HoldOptions,
  ): Promise<T> {
    const lease = await this.acquire(resource, options);
    if (!lease) throw LockErrors.busy(resource);
    return this.holdWhile(lease, fn, {
      ...options,
      metricLabel: options.metricLabel ?? defaultLabel(resource),
    });
  }

  /** Runs `fn` under an already acquired lease, with the watchdog, then releases the lease. */
  async holdWhile<T>(
    lease: LockLease,
    fn: (lock: HeldLock) => Promise<T> | T,
    options: HoldOptions = {},
  ): Promise<T> {
    const label = options.metricLabel ?? defaultLabel(lease.resource);
    const startedAt = performance.now();
    const watchdog = new LockWatchdog(lease, this.driver, {
      maxHoldMs: options.maxHoldMs,
      onLost: (reason) => this.reportLost(lease, label, reason),
      onRenewalError: (error) => {
        this.renewalErrorsTotal.inc({ lock: label });
        this.logger.warn({
          msg: 'lock renewal failed',
          resource: lease.resource,
          error: (error as Error).message,
        });
      },
    });
    const held: HeldLock = { ...lease, signal: watchdog.signal };
    watchdog.start();
    try {
      return await heldLockStorage.run(held, () => fn(held));
    } finally {
      await watchdog.stop();
      await this.letGo(lease, (options.minHoldMs ?? 0) - (performance.now() - startedAt));
    }
  }

  // Before minHoldMs has passed the lock is left to expire then instead of being released.
  private async letGo(lease: LockLease, holdRemainingMs: number): Promise<void> {
    try {
      if (holdRemainingMs >= 1)
        await this.driver.extend(lease.resource, lease.token, Math.ceil(holdRemainingMs));
      else await this.driver.release(lease.resource, lease.token);
    } catch (error) {
      this.logger.warn({
        msg: 'lock release failed; its TTL will free it',
        resource: lease.resource,
        ttlMs: lease.ttlMs,
        error: (error as Error).message,
      });
    }
  }

  private reportLost(lease: LockLease, label: string, reason: LockLostEvent['reason']): void {
    this.lostTotal.inc({ lock: label, reason });
    this.logger.warn({ msg: 'lock lost while its work was running', resource: lease.resource, reason });
    const event: LockLostEvent = { resource: lease.resource, fencingToken: lease.fencingToken, reason };
    this.events.emit(LOCK_LOST_EVENT, event);
  }
}

function defaultLabel(resource: string): string {
  return resource.split(':', 1)[0];
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${value}`);
}
