import { join } from 'node:path';
import { SERVICE_CATALOG, type ServiceName, serviceVariablePrefix } from '@cloudphone/contracts';
import { MigrationRunner, withDatabaseName } from '@cloudphone/shared';

export interface ServiceDatabase {
  service: ServiceName;
  databaseUrl: string;
  migrationsDirectory: string;
  /** migrations/shared: what every service database gets (the outbox and inbox). */
  sharedMigrationsDirectory: string;
}

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Where each service's database lives: `<SERVICE>_DATABASE_URL` (e.g. DEVICE_SERVICE_DATABASE_URL)
 * when set, else POSTGRES_URL's server with the service's default database name.
 */
export function serviceDatabases(
  environment: Record<string, string | undefined>,
  repositoryRoot: string,
): ServiceDatabase[] {
  const server = environment.POSTGRES_URL || DEFAULT_POSTGRES_URL;
  return Object.values(SERVICE_CATALOG).map((service) => {
    const variable = `${serviceVariablePrefix(service.name)}_DATABASE_URL`;
    return {
      service: service.name,
      databaseUrl: environment[variable] || withDatabaseName(server, service.database),
      migrationsDirectory: join(repositoryRoot, 'migrations', service.name),
      sharedMigrationsDirectory: join(repositoryRoot, 'migrations', 'shared'),
    };
  });
}

/**
 * Applies pending migrations to each database in turn (`npm run migrate`, both `npm start` modes);
 * `say` gets one line per service, `detail` each migration the runner applies.
 */
export async function migrateServiceDatabases(
  targets: ServiceDatabase[],
  say: (line: string) => void,
  detail?: (message: string) => void,
): Promise<void> {
  for (const target of targets) {
    const result = await new MigrationRunner({
      databaseUrl: target.databaseUrl,
      directory: target.migrationsDirectory,
      sharedDirectory: target.sharedMigrationsDirectory,
      log: detail,
      onLockWait: say,
    }).run();
    say(
      `${target.service} (${result.database}): ${result.applied.length} applied, ` +
        `${result.alreadyApplied} already applied`,
    );
  }
}
