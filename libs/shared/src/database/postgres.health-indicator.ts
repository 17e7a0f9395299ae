import { Injectable } from '@nestjs/common';
import { DatabasePool } from './database-pool';

/** Readiness probe for the service's own Postgres database (a HealthIndicator). */
@Injectable()
export class PostgresHealthIndicator {
  readonly name = 'postgres';

  constructor(private readonly database: DatabasePool) {}

  async check(): Promise<void> {
    await this.database.query('SELECT 1');
  }
}
