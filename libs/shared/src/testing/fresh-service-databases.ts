import { SERVICE_NAMES, type ServiceName } from '@cloudphone/contracts';
import { Client } from 'pg';
import { withDatabaseName } from '../database/database-url';
import { TEST_SERVERS } from './test-servers';
import { uniqueTestId } from './unique-test-id';

export interface FreshServiceDatabases {
  /** Database name per service; nothing creates them until a migrate or start run does. */
  names: Record<ServiceName, string>;
  /** `<SERVICE>_DATABASE_URL` for every service, as `npm run migrate` and `npm start` read them. */
  environment: Record<string, string>;
  /** Drops every one of them that exists. */
  drop(): Promise<void>;
}

/**
 * Unique database names for all six services, for tests of the tools that create and migrate
 * them (never the default `cloudphone_*` databases of the shared server).
 */
export function freshServiceDatabases(label: string): FreshServiceDatabases {
  const names = Object.fromEntries(
    SERVICE_NAMES.map((service) => [service, uniqueTestId(`cp_${label}_${service.split('-')[0]}`)]),
  ) as Record<ServiceName, string>;
  const environment = Object.fromEntries(
    SERVICE_NAMES.map((service) => [
      `${service.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`,
      withDatabaseName(TEST_SERVERS.postgresUrl, names[service]),
    ]),
  );
  return {
    names,
    environment,
    async drop() {
      const client = new Client({ connectionString: TEST_SERVERS.postgresUrl });
      await client.connect();
      try {
        for (const name of Object.values(names))
          await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
