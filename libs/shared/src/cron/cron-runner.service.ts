import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { backgroundFailureLevel } from '../database/database-outage';
import { BaseServiceConfig } from '../config/base-service.config';
import { DistributedLockService } from '../lock/distributed-lock.service';
import type { LockLease } from '../lock/lock.types';
import { MetricsService } from '../metrics/metrics.service';
import { CronErrors } from './cron.errors';
import type {
  CronClock,
  CronOutcome,
  CronRunRecord,
  CronStateStore,
  CronTrigger,
  RegisteredCronJob,
} from './cron.types';

export const CRON_STATE_STORE = Symbol('CRON_STATE_STORE');
export const CRON_CLOCK = Symbol('CRON_CLOCK');

/** Longest lock lease; the watchdog renews it, so a dead replica frees its job this fast. */
const LEASE_CAP_MS = 30_000;
const WAIT_POLL_MS = 200;
const MIN_CLAIM_TTL_MS = 10 * 60_000;
const MAX_CLAIM_TTL_MS = 7 * 24 * 60 * 60_000;
const ABORT_SETTLE_MS = 1000;

export type TickResult =
  'ran' | 'claimed-elsewhere' | 'paused' | 'lock-held' | 'already-ran' | 'unavailable' | 'stopping';

export interface ManualRun {
  job: string;
  tick: string;
  scheduledAt: string;
  instanceId: string;
  fencingToken: number;
}

interface TickInfo {
  tick: string;
  scheduledAt: number;
  trigger: CronTrigger;
}

/**
 * Runs one tick of a job: claims it by its scheduled fire time (once across replicas), takes the
 * job's lock for the overlap policy, runs the handler with a watchdog and deadline, and records the
 * run and its metrics. Nothing runs when the claim or the lock cannot be confirmed.
 */
@Injectable()
export class CronRunner {
  private readonly logger = new Logger('Cron');
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly shutdown = new AbortController();
  private stopping = false;
  private readonly runsTotal: Counter<'cron_job' | 'outcome'>;
  private readonly skipsTotal: Counter<'cron_job' | 'reason'>;
  private readonly durationSeconds: Histogram<'cron_job' | 'outcome'>;
  private readonly lastSuccess: Gauge<'cron_job'>;

  constructor(
    @Inject(CRON_STATE_STORE) private readonly store: CronStateStore,
    private readonly locks: DistributedLockService,
    private readonly config: BaseServiceConfig,
    @Inject(CRON_CLOCK) private readonly clock: CronClock,
    metrics: MetricsService,
  ) {
    this.runsTotal = metrics.counter({
      name: 'cloudphone_cron_runs_total',
      help: 'Cron runs by job and outcome (success, failure, timeout, lock-lost, aborted)',
      labelNames: ['cron_job', 'outcome'],
    });
    this.skipsTotal = metrics.counter({
      name: 'cloudphone_cron_skips_total',
      help: 'Ticks this instance claimed but did not run: lock_held, paused, backend_unavailable',
      labelNames: ['cron_job', 'reason'],
    });
    this.durationSeconds = metrics.histogram({
      name: 'cloudphone_cron_run_duration_seconds',
      help: 'Cron run duration by job and outcome',
      labelNames: ['cron_job', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
    });
    this.lastSuccess = metrics.gauge({
      name: 'cloudphone_cron_last_success_timestamp_seconds',
      help: 'When this instance last finished a successful run of the job',
      labelNames: ['cron_job'],
    });
  }

  get instanceId(): string {
    return this.config.instanceId;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Claims and, if this instance wins the tick and the lock, runs it. Never throws. */
  runTick(
    job: RegisteredCronJob,
    scheduledAt: number,
    trigger: 'schedule' | 'catch-up',
  ): Promise<TickResult> {
    return this.track(
      this.claimAndRun(job, scheduledAt, trigger).catch((error: unknown) => {
        this.logger.error({ msg: 'cron tick failed unexpectedly', job: job.definition.name, err: error });
        return 'unavailable' as const;
      }),
    );
  }

  /** Starts a run now (admin trigger), still under the job's lock; resolves once it has started. */
  async runNow(job: RegisteredCronJob, requestedBy: string): Promise<ManualRun> {
    const { name } = job.definition;
    if (this.stopping) throw CronErrors.shuttingDown();
    const info: TickInfo = {
      tick: `manual:${randomUUID()}`,
      scheduledAt: this.clock.now(),
      trigger: 'manual',
    };
    let lease: LockLease | null;
    try {
      const claim = await this.store.claimTick(name, info.tick, this.instanceId, MIN_CLAIM_TTL_MS);
      if (claim === 'paused') throw CronErrors.jobPaused(name);
      lease = await this.locks.acquire(this.lockResource(name), this.lockOptions(job));
    } catch (error) {
      if ((error as { code?: string }).code === 'CRON_JOB_PAUSED') throw error;
      throw CronErrors.backendUnavailable((error as Error).message);
    }
    if (!lease) throw CronErrors.jobRunning(name);
    this.logger.log({ msg: 'cron job triggered manually', job: name, tick: info.tick, requestedBy });
    void this.track(this.execute(job, lease, info));
    return {
      job: name,
      tick: info.tick,
      scheduledAt: new Date(info.scheduledAt).toISOString(),
      instanceId: this.instanceId,
      fencingToken: lease.fencingToken,
    };
  }

  /**
   * Stops starting runs; gives running ones `graceMs` to finish, then aborts their signals and
   * waits a little longer. A run still going after that keeps its lock until the TTL frees it.
   */
  async drain(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.inFlight.size === 0) return;
    this.logger.log({ msg: 'waiting for running cron jobs', running: this.inFlight.size, graceMs });
    if (await this.settled(graceMs)) return;
    this.shutdown.abort(CronErrors.shuttingDown());
    if (!(await this.settled(ABORT_SETTLE_MS))) {
      this.logger.warn({
        msg: 'cron jobs still running after their signal was aborted',
        running: this.inFlight.size,
      });
    }
  }

  private async claimAndRun(
    job: RegisteredCronJob,
    scheduledAt: number,
    trigger: 'schedule' | 'catch-up',
  ): Promise<TickResult> {
    const { definition } = job;
    if (this.stopping) return 'stopping';
    if (trigger === 'schedule' && definition.jitterMs > 0) await sleep(Math.random() * definition.jitterMs);
    // A catch-up claims the same key as the scheduled tick: a replica booting just after the tick
    // and another replica's late (jittered) scheduled run cannot both win it, in either order.
    const info: TickInfo = { tick: String(scheduledAt), scheduledAt, trigger };
    let lease: LockLease | null;
    try {
      const claim = await this.store.claimTick(
        definition.name,
        info.tick,
        this.instanceId,
        this.claimTtl(job, scheduledAt),
      );
      if (claim === 'taken') return 'claimed-elsewhere';
      if (claim === 'paused') {
        this.skipsTotal.inc({ cron_job: definition.name, reason: 'paused' });
        return 'paused';
      }
      lease = await this.acquireForTick(job, scheduledAt);
    } catch (error) {
      this.skipsTotal.inc({ cron_job: definition.name, reason: 'backend_unavailable' });
      this.logger.warn({
        msg: 'cron tick not run: state store unavailable',
        job: definition.name,
        tick: info.tick,
        error: (error as Error).message,
      });
      return 'unavailable';
    }
    if (!lease) {
      this.skipsTotal.inc({ cron_job: definition.name, reason: 'lock_held' });
      if (trigger === 'schedule') await this.recordSkip(job, info);
      return 'lock-held';
    }
    if (trigger === 'catch-up' && (await this.alreadyCompleted(definition.name, scheduledAt, lease)))
      return 'already-ran';
    await this.execute(job, lease, info);
    return 'ran';
  }

  private async acquireForTick(job: RegisteredCronJob, scheduledAt: number): Promise<LockLease | null> {
    const resource = this.lockResource(job.definition.name);
    const options = this.lockOptions(job);
    if (job.definition.overlap === 'skip') return this.locks.acquire(resource, options);
    const waitUntil = job.schedule.nextAfter(scheduledAt);
    for (;;) {
      const lease = await this.locks.acquire(resource, options);
      if (lease || this.stopping || this.clock.now() + WAIT_POLL_MS >= waitUntil) return lease;
      await sleep(WAIT_POLL_MS);
    }
  }

  // A claim lives at most MAX_CLAIM_TTL_MS, so a catch-up of a tick more than a week before the next
  // one (monthly, yearly jobs) can find it unclaimed; the completed run still counts then.
  private async alreadyCompleted(job: string, scheduledAt: number, lease: LockLease): Promise<boolean> {
    const last = await this.store.lastCompletedTick(job).catch(() => Number.POSITIVE_INFINITY);
    if (last === null || last < scheduledAt) return false;
    await this.locks.release(lease.resource, lease.token).catch(() => false);
    return true;
  }

  private async execute(job: RegisteredCronJob, lease: LockLease, info: TickInfo): Promise<void> {
    const { definition } = job;
    const startedAt = this.clock.now();
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(CronErrors.runTimedOut(definition.name, definition.maxRunMs)),
      definition.maxRunMs,
    );
    timer.unref();
    let outcome: CronOutcome = 'success';
    let failure: unknown;
    try {
      await this.locks.holdWhile(
        lease,
        async (held) => {
          const signal = AbortSignal.any([held.signal, deadline.signal, this.shutdown.signal]);
          try {
            await definition.handler({
              scheduledAt: new Date(info.scheduledAt),
              instanceId: this.instanceId,
              catchUp: info.trigger === 'catch-up',
              trigger: info.trigger,
              fencingToken: lease.fencingToken,
              signal,
            });
          } catch (error) {
            failure = error;
            outcome = held.signal.aborted
              ? 'lock-lost'
              : deadline.signal.aborted
                ? 'timeout'
                : this.shutdown.signal.aborted
                  ? 'aborted'
                  : 'failure';
          }
        },
        {
          minHoldMs: definition.minHoldMs,
          maxHoldMs: definition.maxRunMs,
          metricLabel: `cron:${definition.name}`,
        },
      );
    } finally {
      clearTimeout(timer);
    }
    const durationMs = Math.round(performance.now() - started);
    this.runsTotal.inc({ cron_job: definition.name, outcome });
    this.durationSeconds.observe({ cron_job: definition.name, outcome }, durationMs / 1000);
    if (outcome === 'success') this.lastSuccess.set({ cron_job: definition.name }, Date.now() / 1000);
    const log = {
      msg: 'cron run finished',
      job: definition.name,
      tick: info.tick,
      trigger: info.trigger,
      outcome,
      durationMs,
    };
    if (failure === undefined) this.logger.log(log);
    else this.logger[backgroundFailureLevel(failure)]({ ...log, err: failure });
    await this.record(
      {
        ...this.baseRecord(definition.name, info, startedAt),
        durationMs,
        outcome,
        fencingToken: lease.fencingToken,
        ...(failure === undefined ? {} : { error: (failure as Error)?.message ?? String(failure) }),
      },
      info.trigger === 'manual' ? undefined : info.scheduledAt,
    );
  }

  private async recordSkip(job: RegisteredCronJob, info: TickInfo): Promise<void> {
    await this.record({
      ...this.baseRecord(job.definition.name, info, this.clock.now()),
      durationMs: 0,
      outcome: 'skipped',
    });
  }

  private baseRecord(
    job: string,
    info: TickInfo,
    startedAt: number,
  ): Omit<CronRunRecord, 'durationMs' | 'outcome'> {
    return {
      job,
      tick: info.tick,
      scheduledAt: new Date(info.scheduledAt).toISOString(),
      trigger: info.trigger,
      instanceId: this.instanceId,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(this.clock.now()).toISOString(),
    };
  }

  private async record(run: CronRunRecord, completesTickAt?: number): Promise<void> {
    try {
      await this.store.record(run, completesTickAt);
    } catch (error) {
      this.logger.warn({
        msg: 'cron run record not saved',
        job: run.job,
        tick: run.tick,
        error: (error as Error).message,
      });
    }
  }

  private lockResource(job: string): string {
    return `cron:${this.config.serviceName}:${job}`;
  }

  private lockOptions(job: RegisteredCronJob) {
    return {
      ttlMs: Math.min(job.definition.maxRunMs, LEASE_CAP_MS),
      metricLabel: `cron:${job.definition.name}`,
    };
  }

  // Long enough for every replica, however late its timer or skewed its clock, to see the claim,
  // and for a replica booting any time before the next tick, whose catch-up asks for this one.
  private claimTtl(job: RegisteredCronJob, scheduledAt: number): number {
    const untilNextTick = job.schedule.nextAfter(scheduledAt) - scheduledAt;
    return Math.min(Math.max(2 * untilNextTick, MIN_CLAIM_TTL_MS), MAX_CLAIM_TTL_MS);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  private async settled(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const all = (async () => {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      return true as const;
    })();
    const result = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return result;
  }
}
