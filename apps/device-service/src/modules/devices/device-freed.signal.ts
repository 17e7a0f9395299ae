import { Injectable, type OnModuleDestroy } from '@nestjs/common';

// A burst of releases (a test farm handing back 500 devices) makes one serving pass, not 500.
const DEBOUNCE_MS = 50;

/**
 * "A device may have become free" (a wiped device back in the pool, a cancelled or missed
 * reservation): the steps that free devices raise it after their commit, and the queue server listens, so a freed
 * device goes to the head of the queue at once instead of at the next `process-queue` tick. In
 * process only: on another replica the job is the safety net.
 */
@Injectable()
export class DeviceFreedSignal implements OnModuleDestroy {
  private readonly listeners: Array<() => void> = [];
  private pending: NodeJS.Timeout | null = null;

  listen(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Notifies the listeners once, DEBOUNCE_MS after the first of a burst of raises. */
  raise(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      for (const listener of this.listeners) listener();
    }, DEBOUNCE_MS);
    this.pending.unref();
  }

  onModuleDestroy(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
  }
}
