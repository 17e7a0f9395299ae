export { DatabasePoolMonitorJob } from './database-pool-monitor.job';
