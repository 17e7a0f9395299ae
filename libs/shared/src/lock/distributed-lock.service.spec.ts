import { setTimeout as sleep } from 'node:timers/promises';
import { MetricsService } from '../metrics/metrics.service';
import { DistributedLockService } from './distributed-lock.service';
import { currentLock } from './held-lock.context';
import { InProcessLockDriver } from './in-process-lock.driver';
import { LOCK_LOST_EVENT, type LockDriver, type LockLostEvent } from './lock.types';

/** The in-process driver with switches to make extend or acquire fail like an unreachable Redis. */
class FlakyDriver implements LockDriver {
  readonly kind = 'in-process';
  readonly inner = new InProcessLockDriver(null);
  failExtends = 0;
  failAll = false;

  acquire(resource: string, token: string, ttlMs: number): Promise<number> {
    if (this.failAll) return Promise.reject(new Error('Connection is closed.'));
    return this.inner.acquire(resource, token, ttlMs);
  }

  release(resource: string, token: string): Promise<boolean> {
    return this.inner.release(resource, token);
  }

  extend(resource: string, token: string, ttlMs: number): Promise<boolean> {
    if (this.failAll || this.failExtends > 0) {
      this.failExtends -= 1;
      return Promise.reject(new Error('Command timed out'));
    }
    return this.inner.extend(resource, token, ttlMs);
  }
}

async function counterValue(metrics: MetricsService, name: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  return (await metric.get()).values.reduce((sum, { value }) => sum + value, 0);
}

describe('DistributedLockService (in-process driver)', () => {
  let driver: FlakyDriver;
  let metrics: MetricsService;
  let locks: DistributedLockService;

  beforeEach(() => {
    driver = new FlakyDriver();
    metrics = new MetricsService('lock-unit');
    locks = new DistributedLockService(driver, metrics);
  });

  it('gives a lock to one owner at a time, with strictly increasing fencing tokens', async () => {
    const first = await locks.acquire('device:1', { ttlMs: 1000 });
    expect(first).not.toBeNull();
    expect(await locks.acquire('device:1', { ttlMs: 1000 })).toBeNull();
    expect(await locks.release('device:1', first!.token)).toBe(true);
    const second = await locks.acquire('device:1', { ttlMs: 1000 });
    expect(second!.fencingToken).toBeGreaterThan(first!.fencingToken);
    expect(second!.token).not.toBe(first!.token);
  });

  it('refuses release and extend with a token that does not own the lock', async () => {
    const lease = await locks.acquire('device:2', { ttlMs: 1000 });
    expect(await locks.release('device:2', 'not-the-owner')).toBe(false);
    expect(await locks.extend('device:2', 'not-the-owner', 1000)).toBe(false);
    expect(await locks.acquire('device:2', { ttlMs: 1000 })).toBeNull();
    expect(await locks.extend('device:2', lease!.token, 1000)).toBe(true);
  });

  it('retries with backoff until the holder releases', async () => {
    const lease = await locks.acquire('queue', { ttlMs: 5000 });
    setTimeout(() => void locks.release('queue', lease!.token), 80);
    const started = Date.now();
    const next = await locks.acquire('queue', { ttlMs: 1000, retries: 20, retryDelayMs: 10, jitterMs: 5 });
    expect(next).not.toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('lets the next owner in once a crashed holder’s TTL passes', async () => {
    const crashed = await locks.acquire('job', { ttlMs: 60 });
    const next = await locks.acquire('job', { ttlMs: 1000, retries: 10, retryDelayMs: 20 });
    expect(next!.fencingToken).toBeGreaterThan(crashed!.fencingToken);
  });

  it('fails fast with LOCK_BACKEND_UNAVAILABLE when the backend errors', async () => {
    driver.failAll = true;
    await expect(locks.acquire('job', { ttlMs: 1000, retries: 5 })).rejects.toMatchObject({
      code: 'LOCK_BACKEND_UNAVAILABLE',
      httpStatus: 503,
    });
    await expect(locks.withLock('job', () => 'never', { ttlMs: 1000 })).rejects.toMatchObject({
      code: 'LOCK_BACKEND_UNAVAILABLE',
    });
  });

  it('withLock throws LOCK_BUSY when held, and always releases, also when fn throws', async () => {
    const held = await locks.acquire('report', { ttlMs: 1000 });
    await expect(locks.withLock('report', () => 'x', { ttlMs: 1000 })).rejects.toMatchObject({
      code: 'LOCK_BUSY',
    });
    await locks.release('report', held!.token);

    await expect(
      locks.withLock(
        'report',
        () => {
          throw new Error('boom');
        },
        { ttlMs: 1000 },
      ),
    ).rejects.toThrow('boom');
    expect(await locks.acquire('report', { ttlMs: 1000 })).not.toBeNull();
  });

  it('keeps the lock alive with the watchdog while fn runs three times the TTL', async () => {
    // A 400 ms TTL: renewals a third of it apart still hold when a busy machine (the cluster suite
    // runs beside this one) stalls the event loop for a couple of hundred milliseconds.
    const ttlMs = 400;
    let contenderWon = false;
    let signalAborted = true;
    await locks.withLock(
      'long-job',
      async (lock) => {
        for (let elapsed = 0; elapsed < 3 * ttlMs; elapsed += 40) {
          if (await locks.acquire('long-job', { ttlMs })) contenderWon = true;
          await sleep(40);
        }
        signalAborted = lock.signal.aborted;
      },
      { ttlMs },
    );
    expect(contenderWon).toBe(false);
    expect(signalAborted).toBe(false);
    expect(await locks.acquire('long-job', { ttlMs })).not.toBeNull();
  });

  it('aborts the signal and emits lock.lost when the lock is taken away', async () => {
    const events: LockLostEvent[] = [];
    locks.events.on(LOCK_LOST_EVENT, (event: LockLostEvent) => events.push(event));
    const reason = await locks.withLock(
      'stolen',
      async (lock) => {
        await driver.inner.release(lock.resource, lock.token);
        await locks.acquire('stolen', { ttlMs: 5000 });
        await new Promise((resolve) => lock.signal.addEventListener('abort', resolve, { once: true }));
        return lock.signal.reason as { code: string };
      },
      { ttlMs: 60 },
    );
    expect(reason.code).toBe('LOCK_LOST');
    expect(events).toEqual([expect.objectContaining({ resource: 'stolen', reason: 'taken-or-expired' })]);
    expect(await counterValue(metrics, 'cloudphone_lock_lost_total')).toBe(1);
  });

  it('survives a transient renewal error without losing the lock', async () => {
    driver.failExtends = 1;
    const aborted = await locks.withLock(
      'flaky',
      async (lock) => {
        await sleep(750);
        return lock.signal.aborted;
      },
      // Room for a failed renewal and a stalled event loop on a busy machine before the next one.
      { ttlMs: 300 },
    );
    expect(aborted).toBe(false);
    expect(await counterValue(metrics, 'cloudphone_lock_renewal_errors_total')).toBe(1);
    expect(await counterValue(metrics, 'cloudphone_lock_lost_total')).toBe(0);
  });

  it('declares the lock lost when no renewal succeeds for a whole TTL', async () => {
    driver.failExtends = Number.POSITIVE_INFINITY;
    const reason = await locks.withLock(
      'unreachable',
      async (lock) => {
        await new Promise((resolve) => lock.signal.addEventListener('abort', resolve, { once: true }));
        return (lock.signal.reason as Error).message;
      },
      { ttlMs: 60 },
    );
    expect(reason).toContain('renewal-failed');
  });

  it('holds the lock for minHoldMs even when fn ends sooner', async () => {
    await locks.withLock('min-hold', () => undefined, { ttlMs: 1000, minHoldMs: 150 });
    expect(await locks.acquire('min-hold', { ttlMs: 1000 })).toBeNull();
    await sleep(200);
    expect(await locks.acquire('min-hold', { ttlMs: 1000 })).not.toBeNull();
  });

  it('exposes the held lock to code running inside withLock', async () => {
    expect(currentLock()).toBeUndefined();
    const seen = await locks.withLock(
      'context',
      async (lock) => {
        await sleep(1);
        return currentLock()?.fencingToken === lock.fencingToken;
      },
      { ttlMs: 1000 },
    );
    expect(seen).toBe(true);
  });
});
