import { LockErrors } from '../lock/lock.errors';
import type { CronJobState, CronPauseState, CronRunRecord, CronStateStore, TickClaim } from './cron.types';

const SWEEP_THRESHOLD = 1000;

/**
 * Cron state in this process's memory, for a standalone instance and unit tests. Like the
 * in-process lock, it refuses to exist when the process is one of several instances.
 */
export class InProcessCronStateStore implements CronStateStore {
  readonly kind = 'in-process';
  private readonly claims = new Map<string, number>();
  private readonly paused = new Map<string, CronPauseState>();
  private readonly runs = new Map<string, CronRunRecord[]>();
  private readonly lastCompleted = new Map<string, number>();

  constructor(
    multiInstanceSignal: string | null,
    private readonly historySize: number,
  ) {
    if (multiInstanceSignal !== null) throw LockErrors.inProcessDriverRefused(multiInstanceSignal);
  }

  async claimTick(job: string, tick: string, _instanceId: string, ttlMs: number): Promise<TickClaim> {
    if (this.paused.has(job)) return 'paused';
    const now = Date.now();
    if (this.claims.size > SWEEP_THRESHOLD) {
      for (const [key, expiresAt] of this.claims) if (expiresAt <= now) this.claims.delete(key);
    }
    const key = `${job}\u0000${tick}`;
    const expiresAt = this.claims.get(key);
    if (expiresAt !== undefined && expiresAt > now) return 'taken';
    this.claims.set(key, now + ttlMs);
    return 'claimed';
  }

  async record(run: CronRunRecord, completesTickAt?: number): Promise<void> {
    const history = [run, ...(this.runs.get(run.job) ?? [])].slice(0, this.historySize);
    this.runs.set(run.job, history);
    if (completesTickAt !== undefined && completesTickAt > (this.lastCompleted.get(run.job) ?? -1)) {
      this.lastCompleted.set(run.job, completesTickAt);
    }
  }

  async lastCompletedTick(job: string): Promise<number | null> {
    return this.lastCompleted.get(job) ?? null;
  }

  async pause(job: string, state: CronPauseState): Promise<void> {
    this.paused.set(job, state);
  }

  async resume(job: string): Promise<boolean> {
    return this.paused.delete(job);
  }

  async describe(jobs: string[], runs: number): Promise<Map<string, CronJobState>> {
    return new Map(
      jobs.map((job) => [
        job,
        { paused: this.paused.get(job) ?? null, lastRuns: (this.runs.get(job) ?? []).slice(0, runs) },
      ]),
    );
  }
}
