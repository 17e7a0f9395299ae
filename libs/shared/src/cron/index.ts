export { ClusterSafeCron } from './cluster-safe-cron.decorator';
export { CoordinationModule } from './coordination.module';
export type { CoordinationModuleOptions } from './coordination.module';
export { CronAdminService } from './cron-admin.service';
export type { CronJobStatus, CronJobView } from './cron-admin.service';
export { CronErrors } from './cron.errors';
export { CRON_CLOCK, CRON_STATE_STORE, CronRunner } from './cron-runner.service';
export type { ManualRun, TickResult } from './cron-runner.service';
export { CronSchedule } from './cron-schedule';
export { CronScheduler } from './cron-scheduler.service';
export { SYSTEM_CLOCK } from './cron.types';
export type {
  ClusterSafeCronOptions,
  CronClock,
  CronJobDefinition,
  CronOutcome,
  CronOverlapPolicy,
  CronPauseState,
  CronRunContext,
  CronRunRecord,
  CronScheduleOverride,
  CronScheduleOverrides,
  CronStateStore,
  CronTrigger,
  RegisteredCronJob,
} from './cron.types';
export { InProcessCronStateStore } from './in-process-cron-state.store';
export { RedisCronStateStore } from './redis-cron-state.store';
export { CronConfig } from './cron.config';
