export { ClusterSafeCron } from './cluster-safe-cron.decorator';
export { CronRunner } from './cron-runner.service';
export { CronSchedule } from './cron-schedule';
export { SYSTEM_CLOCK } from './cron.types';
export type { CronClock, CronRunContext, CronRunRecord, RegisteredCronJob } from './cron.types';
export { RedisCronStateStore } from './redis-cron-state.store';
