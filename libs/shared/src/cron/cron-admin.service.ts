import { Inject, Injectable, Logger } from '@nestjs/common';
import { CronErrors } from './cron.errors';
import { CRON_CLOCK, CRON_STATE_STORE, CronRunner, type ManualRun } from './cron-runner.service';
import { CronScheduler } from './cron-scheduler.service';
import type {
  CronClock,
  CronPauseState,
  CronRunRecord,
  CronScheduleOverride,
  CronStateStore,
} from './cron.types';

const LISTED_RUNS = 10;

/** One job as `GET /internal/cron` shows it. */
export interface CronJobView {
  name: string;
  handler: string;
  /** The expression in force: CRON_SCHEDULE_OVERRIDES's when it sets one, else the decorator's. */
  expression: string;
  declaredExpression: string;
  /** The CRON_SCHEDULE_OVERRIDES entry applied to this job, or null. */
  override: CronScheduleOverride | null;
  /** Never fired by the scheduler (CRON_SCHEDULE_OVERRIDES); a manual trigger still runs it. */
  disabled: boolean;
  timeZone: string;
  overlap: string;
  catchUp: boolean;
  maxRunMs: number;
  minHoldMs: number;
  jitterMs: number;
  nextFireAt: string | null;
  paused: boolean;
  pausedAt: string | null;
  pausedBy: string | null;
  lastRuns: CronRunRecord[];
}

export interface CronJobStatus {
  job: string;
  paused: boolean;
}

/** The operations behind the `/internal/cron` endpoints: list, trigger now, pause and resume. */
@Injectable()
export class CronAdminService {
  private readonly logger = new Logger('CronAdmin');

  constructor(
    private readonly scheduler: CronScheduler,
    private readonly runner: CronRunner,
    @Inject(CRON_STATE_STORE) private readonly store: CronStateStore,
    @Inject(CRON_CLOCK) private readonly clock: CronClock,
  ) {}

  /** Every job: schedule and override, next fire time, pause state, latest runs and who ran them. */
  async describe(): Promise<{ instanceId: string; serverTime: string; jobs: CronJobView[] }> {
    const jobs = this.scheduler.list();
    const states = await this.store
      .describe(
        jobs.map((job) => job.definition.name),
        LISTED_RUNS,
      )
      .catch((error: Error) => {
        throw CronErrors.backendUnavailable(error.message);
      });
    return {
      instanceId: this.runner.instanceId,
      // The clock ticks are claimed by: `npx cloudphone doctor` compares it with Redis TIME.
      serverTime: new Date(this.clock.now()).toISOString(),
      jobs: jobs.map(({ definition, schedule, nextFireAt }) => {
        const state = states.get(definition.name);
        const next =
          definition.disabled || this.runner.isStopping
            ? null
            : (nextFireAt ?? schedule.nextAfter(this.clock.now()));
        return {
          name: definition.name,
          handler: definition.handlerName,
          expression: definition.expression,
          declaredExpression: definition.override?.declaredExpression ?? definition.expression,
          override: definition.override?.entry ?? null,
          disabled: definition.disabled ?? false,
          timeZone: definition.timeZone,
          overlap: definition.overlap,
          catchUp: definition.catchUp,
          maxRunMs: definition.maxRunMs,
          minHoldMs: definition.minHoldMs,
          jitterMs: definition.jitterMs,
          nextFireAt: next === null ? null : new Date(next).toISOString(),
          paused: state?.paused != null,
          pausedAt: state?.paused?.pausedAt ?? null,
          pausedBy: state?.paused?.pausedBy ?? null,
          lastRuns: state?.lastRuns ?? [],
        };
      }),
    };
  }

  /** Runs the job now on this instance, under its lock (CRON_JOB_RUNNING if a run is going). */
  trigger(name: string, requestedBy: string): Promise<ManualRun> {
    return this.runner.runNow(this.scheduler.job(name), requestedBy);
  }

  /** Kill switch: no replica starts the job until it is resumed. Runs already going finish. */
  async pause(name: string, requestedBy: string): Promise<CronJobStatus> {
    this.scheduler.job(name);
    const state: CronPauseState = {
      pausedAt: new Date(this.clock.now()).toISOString(),
      pausedBy: requestedBy,
    };
    await this.store.pause(name, state).catch((error: Error) => {
      throw CronErrors.backendUnavailable(error.message);
    });
    this.logger.warn({ msg: 'cron job paused cluster-wide', job: name, requestedBy });
    return { job: name, paused: true };
  }

  async resume(name: string, requestedBy: string): Promise<CronJobStatus> {
    this.scheduler.job(name);
    const wasPaused = await this.store.resume(name).catch((error: Error) => {
      throw CronErrors.backendUnavailable(error.message);
    });
    if (wasPaused) this.logger.warn({ msg: 'cron job resumed cluster-wide', job: name, requestedBy });
    return { job: name, paused: false };
  }
}
