import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DatabaseActivityRepository } from './database-activity.repository';
import { DatabasePool } from './database-pool';
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
 * Postgres for one service: node-postgres's pool (the schema comes from SQL migrations), plus what
 * the rest of the code sees of it: `SqlClient` for repositories, `TransactionRunner` for services
 * and a readiness check. The start waits for the database (see `DatabasePool.open`); the pool
 * closes last, after every other shutdown hook that may still write.
 */
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DatabasePool) private readonly database: DatabasePool) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: DatabasePool,
          useFactory: () =>
            DatabasePool.open({
              url: options.url,
              poolSize: options.poolSize,
              applicationName: options.applicationName,
              statementTimeoutMs: options.statementTimeoutMs,
            }),
        },
        SqlClient,
        TransactionRunner,
        PostgresHealthIndicator,
        DatabaseActivityRepository,
        DatabaseWorkMetrics,
      ],
      exports: [
        DatabasePool,
        SqlClient,
        TransactionRunner,
        PostgresHealthIndicator,
        DatabaseActivityRepository,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.end();
  }
}
