import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Readiness probe for the service's own Postgres database (a HealthIndicator). */
@Injectable()
export class PostgresHealthIndicator {
  readonly name = 'postgres';

  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    if (!this.dataSource.isInitialized) throw new Error('not connected');
    await this.dataSource.query('SELECT 1');
  }
}
