import { EnvInteger, EnvParsed } from '../config/env-variable.decorators';
import {
  CRON_SCHEDULE_OVERRIDES_FORMAT,
  NO_CRON_SCHEDULE_OVERRIDES,
  parseCronScheduleOverrides,
} from './cron-schedule.overrides';
import type { CronScheduleOverrides } from './cron.types';

/** Settings of the cluster-safe cron: run history, shutdown grace and per-job overrides. */
export class CronConfig {
  /** Run records kept per cron job in Redis (newest first). */
  @EnvInteger('CRON_HISTORY_SIZE', { default: 50, min: 1, max: 1000 })
  cronHistorySize!: number;

  /** At shutdown, how long running cron jobs may finish before their AbortSignal fires. */
  @EnvInteger('CRON_SHUTDOWN_GRACE_MS', { default: 5000, min: 0, max: 120000 })
  cronShutdownGraceMs!: number;

  /**
   * Per-job schedule changes without a rebuild (docs/coordination.md): a new expression, jitter or
   * minimum hold, or `disabled`. A job name this service does not have stops the start.
   */
  @EnvParsed('CRON_SCHEDULE_OVERRIDES', {
    default: NO_CRON_SCHEDULE_OVERRIDES,
    description: CRON_SCHEDULE_OVERRIDES_FORMAT,
    parse: parseCronScheduleOverrides,
  })
  cronScheduleOverrides!: CronScheduleOverrides;
}
