import { LockErrors } from './lock.errors';
import type { LockDriver } from './lock.types';

interface HeldEntry {
  token: string;
  expiresAt: number;
}

/**
 * Locks in this process's memory, for a standalone instance and unit tests. Refuses to exist when
 * the process is one of several instances: it could not stop the others from holding the same lock.
 */
export class InProcessLockDriver implements LockDriver {
  readonly kind = 'in-process';
  private readonly held = new Map<string, HeldEntry>();
  private lastFence = 0;

  /** @param multiInstanceSignal what `BaseServiceConfig.multiInstanceSignal()` returned. */
  constructor(multiInstanceSignal: string | null) {
    if (multiInstanceSignal !== null) throw LockErrors.inProcessDriverRefused(multiInstanceSignal);
  }

  async acquire(resource: string, token: string, ttlMs: number): Promise<number> {
    const now = Date.now();
    const current = this.live(resource, now);
    if (current) return -Math.max(current.expiresAt - now, 1);
    this.held.set(resource, { token, expiresAt: now + ttlMs });
    // One counter for all resources, floored by the clock: strictly increasing per resource too.
    this.lastFence = Math.max(this.lastFence + 1, now * 1000);
    return this.lastFence;
  }

  async release(resource: string, token: string): Promise<boolean> {
    const current = this.live(resource, Date.now());
    if (current?.token !== token) return false;
    this.held.delete(resource);
    return true;
  }

  async extend(resource: string, token: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const current = this.live(resource, now);
    if (current?.token !== token) return false;
    current.expiresAt = now + ttlMs;
    return true;
  }

  private live(resource: string, now: number): HeldEntry | undefined {
    const entry = this.held.get(resource);
    if (entry && entry.expiresAt <= now) {
      this.held.delete(resource);
      return undefined;
    }
    return entry;
  }
}
