import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { BaseServiceConfig } from '../config/base-service.config';
import { HealthService } from '../health/health.service';
import { CronConfig } from './cron.config';
import { CRON_JOB_NAME_PATTERN } from './cluster-safe-cron.decorator';
import { CronErrors } from './cron.errors';
import { CRON_CLOCK, CronRunner } from './cron-runner.service';
import { CronSchedule } from './cron-schedule';
import type { CronClock, CronJobDefinition, RegisteredCronJob } from './cron.types';

// setTimeout overflows past ~24.8 days; far ticks are reached by re-arming.
const MAX_TIMER_MS = 60 * 60_000;
const SHUTDOWN_RESERVE_MS = 2000;
const CATCH_UP_ATTEMPTS = 5;
const CATCH_UP_RETRY_MS = 1000;

interface ScheduledJob extends RegisteredCronJob {
  timer?: NodeJS.Timeout;
  nextFireAt: number | null;
}

/**
 * Fires every registered job at its cron times (read from the injectable clock) and hands each tick
 * to the CronRunner, which makes it run once across replicas. Stops firing as soon as the service
 * starts draining; at shutdown lets running jobs finish within CRON_SHUTDOWN_GRACE_MS.
 */
@Injectable()
export class CronScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CronScheduler');
  private readonly jobs = new Map<string, ScheduledJob>();
  private started = false;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly runner: CronRunner,
    private readonly service: BaseServiceConfig,
    private readonly config: CronConfig,
    private readonly health: HealthService,
    @Inject(CRON_CLOCK) private readonly clock: CronClock,
  ) {}

  /** Adds a job; names are unique per service. Jobs registered after start are scheduled at once. */
  register(definition: CronJobDefinition): void {
    if (!CRON_JOB_NAME_PATTERN.test(definition.name)) {
      throw CronErrors.invalidDefinition(
        definition.handlerName,
        `name "${definition.name}" must match ${CRON_JOB_NAME_PATTERN}`,
      );
    }
    const existing = this.jobs.get(definition.name);
    if (existing) {
      throw CronErrors.invalidDefinition(
        definition.handlerName,
        `job name "${definition.name}" is already used by ${existing.definition.handlerName} (is the class provided in two modules?)`,
      );
    }
    const job: ScheduledJob = {
      definition,
      schedule: new CronSchedule(definition.expression, definition.timeZone),
      nextFireAt: null,
    };
    this.jobs.set(definition.name, job);
    if (this.started) this.startJob(job);
  }

  /** The registered jobs in registration order, with their next fire time (null: stopped or disabled). */
  list(): Array<RegisteredCronJob & { nextFireAt: number | null }> {
    return [...this.jobs.values()].map(({ definition, schedule, nextFireAt }) => ({
      definition,
      schedule,
      nextFireAt,
    }));
  }

  /** The job named `name`, or CRON_JOB_NOT_FOUND. */
  job(name: string): RegisteredCronJob {
    const job = this.jobs.get(name);
    if (!job) throw CronErrors.jobNotFound(name, [...this.jobs.keys()]);
    return job;
  }

  onApplicationBootstrap(): void {
    this.started = true;
    this.health.onDraining(() => void this.stop());
    for (const job of this.jobs.values()) this.startJob(job);
    if (this.jobs.size > 0) {
      const jobs = [...this.jobs.values()].map(({ definition }) => definition);
      this.logger.log({
        msg: 'cron jobs scheduled',
        jobs: jobs.filter((job) => !job.disabled).map((job) => job.name),
        disabled: jobs.filter((job) => job.disabled).map((job) => job.name),
        instanceId: this.service.instanceId,
      });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Stops firing ticks and waits (bounded) for running jobs; safe to call more than once. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const job of this.jobs.values()) {
        clearTimeout(job.timer);
        job.nextFireAt = null;
      }
      const grace = Math.max(
        0,
        Math.min(this.config.cronShutdownGraceMs, this.service.shutdownTimeoutMs - SHUTDOWN_RESERVE_MS),
      );
      await this.runner.drain(grace);
    })();
    return this.stopped;
  }

  private startJob(job: ScheduledJob): void {
    // A disabled job stays registered, so the listing shows it and a manual trigger still runs it.
    if (job.definition.disabled) return;
    this.armFor(job, job.schedule.nextAfter(this.clock.now()));
    if (job.definition.catchUp) void this.catchUp(job);
  }

  private armFor(job: ScheduledJob, fireAt: number): void {
    if (this.stopped) return;
    job.nextFireAt = fireAt;
    const delay = Math.min(Math.max(fireAt - this.clock.now(), 0), MAX_TIMER_MS);
    job.timer = setTimeout(() => this.onTimer(job, fireAt), delay);
    job.timer.unref();
  }

  private onTimer(job: ScheduledJob, fireAt: number): void {
    if (this.stopped) return;
    const now = this.clock.now();
    // Timers may wake a little early, and far ticks are reached in several hops.
    if (now < fireAt) return this.armFor(job, fireAt);
    this.armFor(job, job.schedule.nextAfter(Math.max(now, fireAt)));
    void this.runner.runTick(job, fireAt, 'schedule');
  }

  // Right after boot Redis may not be connected yet (commands never queue), so retry a few times.
  private async catchUp(job: ScheduledJob): Promise<void> {
    const missed = job.schedule.latestAtOrBefore(this.clock.now());
    for (let attempt = 0; attempt < CATCH_UP_ATTEMPTS && !this.stopped; attempt += 1) {
      if (attempt > 0) await sleep(CATCH_UP_RETRY_MS * 2 ** (attempt - 1));
      const result = await this.runner.runTick(job, missed, 'catch-up');
      if (result === 'ran') {
        this.logger.log({
          msg: 'cron caught up a missed tick',
          job: job.definition.name,
          scheduledAt: new Date(missed).toISOString(),
        });
      }
      if (result !== 'unavailable') return;
    }
  }
}
