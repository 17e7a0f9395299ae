import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@cloudphone/contracts';
import {
  type FreshServiceDatabases,
  freshServiceDatabases,
  repositoryRoot,
  TEST_SERVERS,
  waitFor,
} from '@cloudphone/shared/testing';
import { Client } from 'pg';
import { MIGRATION_LOCK_KEY, withDatabaseName } from '@cloudphone/shared';

// `npm run migrate` is `node dist/tools/migrate/migrate.js` after the build: run the built script
// as a process against fresh databases named through <SERVICE>_DATABASE_URL.
const MIGRATE = join(repositoryRoot(), 'dist', 'tools', 'migrate', 'migrate.js');
// Nothing listens there: every database must come from its own <SERVICE>_DATABASE_URL.
const UNREACHABLE_SERVER = 'postgres://postgres@127.0.0.1:1/postgres';

interface MigrateRun {
  code: number;
  stdout: string;
  stderr: string;
}

function migrate(environment: Record<string, string>, services: string[] = []): Promise<MigrateRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MIGRATE, ...services],
      { env: { PATH: process.env.PATH ?? '', ...environment }, cwd: repositoryRoot() },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Versions of the migration files in migrations/<directory>. */
function fileVersions(directory: string): number[] {
  return readdirSync(join(repositoryRoot(), 'migrations', directory))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => Number(file.slice(0, 4)))
    .sort((a, b) => a - b);
}

/** Every migration a service database gets: the shared ones and its own. */
function migrationCount(service: ServiceName): number {
  return fileVersions('shared').length + fileVersions(service).length;
}

/** The versions recorded as applied: the service's own, and those of migrations/shared. */
async function appliedVersions(databaseName: string): Promise<{ own: number[]; shared: number[] }> {
  const client = new Client({ connectionString: withDatabaseName(TEST_SERVERS.postgresUrl, databaseName) });
  await client.connect();
  try {
    const versions = async (table: string) =>
      (await client.query<{ version: number }>(`SELECT version FROM ${table} ORDER BY version`)).rows.map(
        (row) => row.version,
      );
    return { own: await versions('schema_migrations'), shared: await versions('shared_schema_migrations') };
  } finally {
    await client.end();
  }
}

describe('dist/tools/migrate/migrate.js', () => {
  let databases: FreshServiceDatabases;
  let environment: Record<string, string>;

  beforeEach(() => {
    databases = freshServiceDatabases('migrate');
    environment = { POSTGRES_URL: UNREACHABLE_SERVER, ...databases.environment };
  });

  afterEach(() => databases.drop());

  it('creates and migrates every service database, and a second run changes nothing', async () => {
    const first = await migrate(environment);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    for (const service of SERVICE_NAMES) {
      const count = migrationCount(service);
      expect(first.stdout).toContain(
        `[migrate] ${service} (${databases.names[service]}): ${count} applied, 0 already applied`,
      );
      expect(await appliedVersions(databases.names[service])).toEqual({
        own: fileVersions(service),
        shared: fileVersions('shared'),
      });
    }

    const second = await migrate(environment);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    for (const service of SERVICE_NAMES) {
      expect(second.stdout).toContain(
        `[migrate] ${service} (${databases.names[service]}): 0 applied, ${migrationCount(service)} already applied`,
      );
    }
    expect(second.stdout).not.toMatch(/created database|: applied /);
  });

  it('migrates only the services named, and refuses an unknown one with exit code 1', async () => {
    const only = await migrate(environment, ['proxy-service']);
    expect(only.code).toBe(0);
    expect(only.stdout.trim().split('\n').at(-1)).toBe(
      `[migrate] proxy-service (${databases.names['proxy-service']}): ${migrationCount('proxy-service')} applied, 0 already applied`,
    );
    expect(only.stdout).not.toContain('user-service');
    const admin = new Client({ connectionString: TEST_SERVERS.postgresUrl });
    await admin.connect();
    const { rows } = await admin
      .query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [
        Object.values(databases.names),
      ])
      .finally(() => admin.end());
    expect(rows.map((row) => row.datname)).toEqual([databases.names['proxy-service']]);

    const unknown = await migrate(environment, ['proxy-service', 'no-such-service']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('[migrate] failed: Unknown service in proxy-service, no-such-service');
  });

  it('says whom it waits for while another session holds the migration lock, then migrates', async () => {
    const first = await migrate(environment, ['proxy-service']);
    expect(first.code).toBe(0);
    const holder = new Client({
      connectionString: withDatabaseName(TEST_SERVERS.postgresUrl, databases.names['proxy-service']),
      application_name: 'lock-holder-test',
    });
    await holder.connect();
    try {
      const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const waiting = migrate(environment, ['proxy-service']);
      // The waiting runner is visible to Postgres: release once it has asked for the lock.
      await waitFor(
        async () =>
          (
            await holder.query(
              `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND pid <> pg_backend_pid()`,
            )
          ).rowCount === 1,
        { description: 'the second runner to wait for the lock' },
      );
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      const second = await waiting;
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(
        `[migrate] ${databases.names['proxy-service']}: waiting for the migration lock, held by pid ${rows[0].pid} (lock-holder-test`,
      );
      expect(second.stdout).toContain('0 applied');
    } finally {
      await holder.end();
    }
  });
});
