export { databaseNameOf, withDatabaseName } from './database-url';
export { isForeignKeyViolation, violatedUniqueConstraint } from './database-errors';
export { findPage } from './list-query.repository-helper';
export { MigrationRunner } from './migration-runner';
export { DatabaseModule } from './database.module';
export { SqlClient } from './sql-client';
export { decodeColumn, TableMap } from './table-map';
export { afterCommit, inTransaction } from './transaction-context';
export { TransactionRunner } from './transaction-runner';
