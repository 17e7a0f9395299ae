export { databaseNameOf, withDatabaseName } from './database-url';
export { DatabasePoolMonitorJob } from './database-pool-monitor.job';
export { findPage } from './list-query.repository-helper';
export { MigrationRunner } from './migration-runner';
export type { MigrationFile, MigrationRunnerOptions, MigrationRunResult } from './migration-runner';
export { PostgresHealthIndicator } from './postgres.health-indicator';
export { queryRows, runnerRows } from './query-rows';
export { afterCommit, currentTransactionManager, runInTransaction } from './transaction-context';
