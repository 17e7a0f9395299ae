import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseActivityRepository } from './database-activity.repository';
import { DatabaseWorkMetrics } from './database-work.metrics';
import { PostgresHealthIndicator } from './postgres.health-indicator';
import { SqlClient } from './sql-client';
import { TransactionRunner } from './transaction-runner';

export interface DatabaseModuleOptions {
  url: string;
  poolSize: number;
  /** Shown in pg_stat_activity: `<service>:<instance>`. */
  applicationName: string;
  statementTimeoutMs: number;
}

/**
 * Postgres for one service: TypeORM as the pool and transaction layer (never synchronize, no
 * entities; the schema comes from SQL migrations), plus what the rest of the code sees of it:
 * `SqlClient` for repositories, `TransactionRunner` for services and a readiness check.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.url,
          entities: [],
          synchronize: false,
          migrationsRun: false,
          poolSize: options.poolSize,
          applicationName: options.applicationName,
          extra: { statement_timeout: options.statementTimeoutMs, connectionTimeoutMillis: 5000 },
          retryAttempts: 10,
          retryDelay: 1000,
        }),
      ],
      providers: [
        SqlClient,
        TransactionRunner,
        PostgresHealthIndicator,
        DatabaseActivityRepository,
        DatabaseWorkMetrics,
      ],
      exports: [SqlClient, TransactionRunner, PostgresHealthIndicator, DatabaseActivityRepository],
    };
  }
}
