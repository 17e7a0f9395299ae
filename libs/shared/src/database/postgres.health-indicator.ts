import type { DataSource } from 'typeorm';
import type { HealthIndicator } from '../health/health-indicator';

/** Readiness probe for the service's own Postgres database. */
export class PostgresHealthIndicator implements HealthIndicator {
  readonly name = 'postgres';

  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    if (!this.dataSource.isInitialized) throw new Error('not connected');
    await this.dataSource.query('SELECT 1');
  }
}
