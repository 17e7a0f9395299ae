import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_SERVERS, uniqueTestId } from '../testing';
import { withDatabaseName } from './database-url';
import { MigrationRunner } from './migration-runner';

describe('MigrationRunner (real Postgres)', () => {
  let directory: string;
  let databaseUrl: string;
  let databaseName: string;

  const query = async (sql: string) => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'migrations-'));
    databaseName = uniqueTestId('cp_migrate');
    databaseUrl = withDatabaseName(TEST_SERVERS.postgresUrl, databaseName);
    await writeFile(
      join(directory, '0001_create_things.sql'),
      'CREATE TABLE things (id serial PRIMARY KEY);',
    );
    // pg_sleep widens the window in which a second runner could slip in if the lock did not hold.
    await writeFile(
      join(directory, '0002_add_counter.sql'),
      'SELECT pg_sleep(0.3); INSERT INTO things DEFAULT VALUES;',
    );
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
    const admin = new Client({ connectionString: TEST_SERVERS.postgresUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.end();
  });

  it('creates the database, applies everything once, and is a no-op the second time', async () => {
    const runner = new MigrationRunner({ databaseUrl, directory });
    expect(await runner.run()).toEqual({
      database: databaseName,
      applied: ['0001_create_things.sql', '0002_add_counter.sql'],
      alreadyApplied: 0,
    });
    expect(await runner.run()).toEqual({ database: databaseName, applied: [], alreadyApplied: 2 });
    expect(await query('SELECT count(*)::int AS count FROM things')).toEqual([{ count: 1 }]);
    expect(
      (await query('SELECT version FROM schema_migrations ORDER BY version')).map((row) => row.version),
    ).toEqual([1, 2]);
  });

  it('applies each migration exactly once when several runners start together', async () => {
    const runners = Array.from({ length: 4 }, () => new MigrationRunner({ databaseUrl, directory }));
    const results = await Promise.all(runners.map((runner) => runner.run()));
    const applied = results.flatMap((result) => result.applied);
    expect(applied.sort()).toEqual(['0001_create_things.sql', '0002_add_counter.sql']);
    expect(await query('SELECT count(*)::int AS count FROM things')).toEqual([{ count: 1 }]);
  });

  it('rolls back a failing migration entirely and records nothing for it', async () => {
    await writeFile(
      join(directory, '0003_broken.sql'),
      'CREATE TABLE half_done (id int); INSERT INTO missing_table VALUES (1);',
    );
    const runner = new MigrationRunner({ databaseUrl, directory });
    await expect(runner.run()).rejects.toThrow(/0003_broken.sql failed: .*missing_table/);
    expect(await query("SELECT to_regclass('half_done') AS present")).toEqual([{ present: null }]);
    expect((await query('SELECT count(*)::int AS count FROM schema_migrations'))[0].count).toBe(2);
  });

  it('refuses to continue when an applied migration was edited', async () => {
    await new MigrationRunner({ databaseUrl, directory }).run();
    await writeFile(
      join(directory, '0001_create_things.sql'),
      'CREATE TABLE things (id bigserial PRIMARY KEY);',
    );
    await expect(new MigrationRunner({ databaseUrl, directory }).run()).rejects.toThrow(
      /0001_create_things.sql .* was changed after it was applied/,
    );
  });

  it('runs a file starting with -- migrate:no-transaction outside a transaction (CREATE INDEX CONCURRENTLY)', async () => {
    await writeFile(
      join(directory, '0003_index_things.sql'),
      '-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY things_id_idx ON things (id);\n',
    );
    const runner = new MigrationRunner({ databaseUrl, directory });
    expect((await runner.readFiles()).map((file) => [file.name, file.transactional])).toEqual([
      ['0001_create_things.sql', true],
      ['0002_add_counter.sql', true],
      ['0003_index_things.sql', false],
    ]);
    expect((await runner.run()).applied).toContain('0003_index_things.sql');
    expect(
      await query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'things_id_idx'::regclass"),
    ).toEqual([{ indisvalid: true }]);
    expect((await query('SELECT max(version) AS version FROM schema_migrations'))[0].version).toBe(3);
  });

  it('keeps a file transactional when the marker is not at its very start', async () => {
    // Only the first line counts: a marker further down (here after a comment) is just a comment.
    await writeFile(
      join(directory, '0003_index_later.sql'),
      '-- builds an index\n-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY things_later_idx ON things (id);\n',
    );
    const runner = new MigrationRunner({ databaseUrl, directory });
    expect((await runner.readFiles()).at(-1)).toMatchObject({
      name: '0003_index_later.sql',
      transactional: true,
    });
    await expect(runner.run()).rejects.toThrow(
      /0003_index_later.sql failed: CREATE INDEX CONCURRENTLY cannot run inside a transaction block/,
    );
    expect(await query("SELECT to_regclass('things_later_idx') AS present")).toEqual([{ present: null }]);
    expect((await query('SELECT count(*)::int AS count FROM schema_migrations'))[0].count).toBe(2);
  });

  it('refuses badly named files', async () => {
    await writeFile(join(directory, '3_oops.sql'), 'SELECT 1;');
    await expect(new MigrationRunner({ databaseUrl, directory }).run()).rejects.toThrow(
      /does not match NNNN_snake_name/,
    );
  });
});
