import { join } from 'node:path';
import { Client } from 'pg';
import type { ServiceName } from '@cloudphone/contracts';
import { withDatabaseName } from '../database/database-url';
import { MigrationRunner } from '../database/migration-runner';
import { repositoryRoot } from './repository-root';
import { TEST_SERVERS } from './test-servers';
import { uniqueTestId } from './unique-test-id';

export interface TestDatabase {
  name: string;
  url: string;
  /** Runs one query on a short-lived connection. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, migrated with the service's real migrations (or left empty
 * with `migrate: false`). Drop it in afterAll.
 */
export async function createTestDatabase(
  service: ServiceName,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = uniqueTestId(`cp_${service.replace(/-service$/, '').replace(/-/g, '_')}`);
  const url = withDatabaseName(TEST_SERVERS.postgresUrl, name);
  const runner = new MigrationRunner({
    databaseUrl: url,
    directory: join(repositoryRoot(), 'migrations', service),
    sharedDirectory: join(repositoryRoot(), 'migrations', 'shared'),
  });
  if (options.migrate === false) await runner.ensureDatabase();
  else await runner.run();
  return {
    name,
    url,
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async drop() {
      const client = new Client({ connectionString: TEST_SERVERS.postgresUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
