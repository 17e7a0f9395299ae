import type { ServiceName } from '@cloudphone/contracts';
import type { CronRunContext } from '../cron/cron.types';
import { DatabasePool, type DatabasePoolOptions } from '../database/database-pool';
import { SqlClient } from '../database/sql-client';
import { TransactionRunner } from '../database/transaction-runner';
import type { MetricsService } from '../metrics/metrics.service';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface RepositoryTestDatabase extends TestDatabase {
  pool: DatabasePool;
  /** What repositories under test are constructed with. */
  sql: SqlClient;
  transactions: TransactionRunner;
  /** Closes the pool and drops the database. */
  close(): Promise<void>;
}

/**
 * A migrated test database plus the SQL client and transaction runner repositories use. `pool`
 * options: e.g. `poolSize: 1`, so every statement of the test shares one session (its plan cache).
 */
export async function createRepositoryTestDatabase(
  service: ServiceName,
  pool: Omit<DatabasePoolOptions, 'url'> = {},
): Promise<RepositoryTestDatabase> {
  const database = await createTestDatabase(service);
  const databasePool = DatabasePool.create({ ...pool, url: database.url });
  return {
    ...database,
    pool: databasePool,
    sql: new SqlClient(databasePool),
    transactions: new TransactionRunner(databasePool),
    async close() {
      await databasePool.end();
      await database.drop();
    },
  };
}

/** The context a job method receives, as for a run triggered by hand on one instance. */
export function manualCronRunContext(): CronRunContext {
  return {
    scheduledAt: new Date(),
    instanceId: 'test',
    catchUp: false,
    trigger: 'manual',
    fencingToken: 1,
    signal: new AbortController().signal,
  };
}

/** The labelled values of a registered gauge (or counter), for asserting what a job published. */
export async function gaugeValues(
  metrics: MetricsService,
  name: string,
): Promise<Array<{ labels: Record<string, string | number>; value: number }>> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} not registered`);
  return (await metric.get()).values.map(({ labels, value }) => ({
    labels: labels as Record<string, string | number>,
    value,
  }));
}
