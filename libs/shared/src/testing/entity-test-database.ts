import type { ServiceName } from '@cloudphone/contracts';
import { DataSource, type EntitySchema } from 'typeorm';
import type { CronRunContext } from '../cron/cron.types';
import type { MetricsService } from '../metrics/metrics.service';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface EntityTestDatabase extends TestDatabase {
  dataSource: DataSource;
  /** Closes the data source and drops the database. */
  close(): Promise<void>;
}

/** A migrated test database plus a TypeORM DataSource over `entities`, for repository and job tests. */
export async function createEntityTestDatabase(
  service: ServiceName,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Array<Function | EntitySchema>,
): Promise<EntityTestDatabase> {
  const database = await createTestDatabase(service);
  const dataSource = await new DataSource({ type: 'postgres', url: database.url, entities }).initialize();
  return {
    ...database,
    dataSource,
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
