import type { ServiceName } from '@cloudphone/contracts';
import { DataSource } from 'typeorm';
import type { CronRunContext } from '../cron/cron.types';
import { SqlClient } from '../database/sql-client';
import { TransactionRunner } from '../database/transaction-runner';
import type { MetricsService } from '../metrics/metrics.service';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface RepositoryTestDatabase extends TestDatabase {
  dataSource: DataSource;
  /** What repositories under test are constructed with. */
  sql: SqlClient;
  transactions: TransactionRunner;
  /** Closes the data source and drops the database. */
  close(): Promise<void>;
}

/** A migrated test database plus the SQL client and transaction runner repositories use. */
export async function createRepositoryTestDatabase(service: ServiceName): Promise<RepositoryTestDatabase> {
  const database = await createTestDatabase(service);
  const dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
  return {
    ...database,
    dataSource,
    sql: new SqlClient(dataSource),
    transactions: new TransactionRunner(dataSource),
    async close() {
      await dataSource.destroy();
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
