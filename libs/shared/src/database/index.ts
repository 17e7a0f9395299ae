export { databaseNameOf, withDatabaseName } from './database-url';
export { findPage } from './list-query.repository-helper';
export { MigrationRunner } from './migration-runner';
export type { MigrationFile, MigrationRunnerOptions, MigrationRunResult } from './migration-runner';
export { PostgresHealthIndicator } from './postgres.health-indicator';
export { afterCommit, currentTransactionManager, runInTransaction } from './transaction-context';
