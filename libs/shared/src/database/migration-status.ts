import { Client } from 'pg';
import { databaseNameOf, withDatabaseName } from './database-url';
import { type MigrationLockHolder, migrationLockHolder } from './migration-lock';
import { type MigrationFile, MigrationRunner, type MigrationRunnerOptions } from './migration-runner';

/** What `npm run migrate` would do to one database, read without changing anything. */
export interface MigrationStatus {
  database: string;
  exists: boolean;
  applied: number;
  /** Files it would apply (or record, for a shared file adopting an applied one), in order. */
  pending: string[];
  /** Applied files whose text changed since: the next run refuses to go on until they are restored. */
  changed: string[];
  /** The session running migrations there now, if any. */
  lockHolder: MigrationLockHolder | null;
}

/** Reads a service database's migration bookkeeping against the files of this release. */
export async function migrationStatus(options: MigrationRunnerOptions): Promise<MigrationStatus> {
  const runner = new MigrationRunner(options);
  const shared = options.sharedDirectory ? await runner.readFiles(options.sharedDirectory) : [];
  const own = await runner.readFiles();
  const database = databaseNameOf(options.databaseUrl);
  if (!(await databaseExists(options.databaseUrl, database))) {
    return {
      database,
      exists: false,
      applied: 0,
      pending: [...shared, ...own].map((file) => file.name),
      changed: [],
      lockHolder: null,
    };
  }
  const client = new Client({
    connectionString: options.databaseUrl,
    application_name: 'cloudphone-migrate-status',
  });
  await client.connect();
  try {
    const sharedApplied = await appliedIn(client, 'shared_schema_migrations');
    const ownApplied = await appliedIn(client, 'schema_migrations');
    const sharedState = compare(shared, sharedApplied);
    const ownState = compare(own, ownApplied);
    return {
      database,
      exists: true,
      applied: sharedState.applied + ownState.applied,
      pending: [...sharedState.pending, ...ownState.pending],
      changed: [...sharedState.changed, ...ownState.changed],
      lockHolder: await migrationLockHolder(client),
    };
  } finally {
    await client.end();
  }
}

async function databaseExists(databaseUrl: string, database: string): Promise<boolean> {
  const client = new Client({ connectionString: withDatabaseName(databaseUrl, 'postgres') });
  await client.connect();
  try {
    return (
      ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount ?? 0) > 0
    );
  } finally {
    await client.end();
  }
}

/** The recorded rows of a bookkeeping table; none when the table does not exist yet. */
async function appliedIn(
  client: Client,
  table: string,
): Promise<Array<{ version: number; checksum: string }>> {
  const { rows } = await client.query<{ present: string | null }>('SELECT to_regclass($1) AS present', [
    table,
  ]);
  if (!rows[0]?.present) return [];
  return (await client.query<{ version: number; checksum: string }>(`SELECT version, checksum FROM ${table}`))
    .rows;
}

function compare(files: MigrationFile[], applied: Array<{ version: number; checksum: string }>) {
  const byVersion = new Map(applied.map((row) => [row.version, row.checksum]));
  const pending = files.filter((file) => !byVersion.has(file.version)).map((file) => file.name);
  const changed = files
    .filter((file) => byVersion.has(file.version) && byVersion.get(file.version) !== file.checksum)
    .map((file) => file.name);
  return { applied: files.length - pending.length, pending, changed };
}
