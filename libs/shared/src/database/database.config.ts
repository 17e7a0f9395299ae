import { EnvInteger, EnvUrl } from '../config/env-variable.decorators';

/** Settings of the service's Postgres database (config slice of src/database). */
export class DatabaseConfig {
  @EnvUrl('DATABASE_URL', { protocols: ['postgres', 'postgresql'] })
  databaseUrl!: string;

  @EnvInteger('DATABASE_POOL_SIZE', { default: 10, min: 1, max: 200 })
  databasePoolSize!: number;

  @EnvInteger('DATABASE_STATEMENT_TIMEOUT_MS', { default: 15000, min: 100, max: 600000 })
  databaseStatementTimeoutMs!: number;
}
