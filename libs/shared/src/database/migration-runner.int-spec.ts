import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

  describe('with a shared source (migrations/shared)', () => {
    const LEDGER_SQL = 'CREATE TABLE ledger (id serial PRIMARY KEY);\n';
    let shared: string;

    beforeEach(async () => {
      shared = join(directory, 'shared');
      await mkdir(shared);
    });

    it('applies the shared migrations first, each recorded in its own table', async () => {
      await writeFile(join(shared, '0001_create_ledger.sql'), LEDGER_SQL);
      const runner = new MigrationRunner({ databaseUrl, directory, sharedDirectory: shared });
      expect((await runner.run()).applied).toEqual([
        '0001_create_ledger.sql',
        '0001_create_things.sql',
        '0002_add_counter.sql',
      ]);
      expect(await query('SELECT name FROM shared_schema_migrations')).toEqual([
        { name: '0001_create_ledger.sql' },
      ]);
      expect((await query('SELECT count(*)::int AS count FROM schema_migrations'))[0].count).toBe(2);
      expect(await runner.run()).toEqual({ database: databaseName, applied: [], alreadyApplied: 3 });
    });

    it('adopts a service migration that moved to the shared source, on a database that ran it', async () => {
      // Before: the service carried its own copy as 0003 and applied it.
      await writeFile(join(directory, '0003_create_ledger.sql'), LEDGER_SQL);
      await new MigrationRunner({ databaseUrl, directory }).run();
      await query('INSERT INTO ledger DEFAULT VALUES');
      // After: the copy is gone from the service, and the shared file names it on its first line.
      await rm(join(directory, '0003_create_ledger.sql'));
      await writeFile(
        join(shared, '0001_create_ledger.sql'),
        `-- migrate:adopts 0003_create_ledger.sql\n${LEDGER_SQL}`,
      );
      const logs: string[] = [];
      const runner = new MigrationRunner({
        databaseUrl,
        directory,
        sharedDirectory: shared,
        log: (line) => logs.push(line),
      });
      expect((await runner.run()).applied).toEqual(['0001_create_ledger.sql']);
      expect(logs).toEqual([
        `${databaseName}: adopted 0001_create_ledger.sql (0003_create_ledger.sql was applied)`,
      ]);
      // Recorded, not run again: the table and its row are untouched, the old record stays.
      expect(await query('SELECT count(*)::int AS count FROM ledger')).toEqual([{ count: 1 }]);
      expect(await query('SELECT execution_ms FROM shared_schema_migrations')).toEqual([{ execution_ms: 0 }]);
      expect(await query('SELECT name FROM schema_migrations ORDER BY version')).toEqual([
        { name: '0001_create_things.sql' },
        { name: '0002_add_counter.sql' },
        { name: '0003_create_ledger.sql' },
      ]);
      expect((await runner.run()).applied).toEqual([]);

      // A fresh database with the new layout runs the shared file (its first line is a comment).
      const fresh = withDatabaseName(TEST_SERVERS.postgresUrl, `${databaseName}_fresh`);
      try {
        await new MigrationRunner({ databaseUrl: fresh, directory, sharedDirectory: shared }).run();
        const client = new Client({ connectionString: fresh });
        await client.connect();
        expect((await client.query("SELECT to_regclass('ledger') AS present")).rows).toEqual([
          { present: 'ledger' },
        ]);
        await client.end();
      } finally {
        const admin = new Client({ connectionString: TEST_SERVERS.postgresUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${databaseName}_fresh" WITH (FORCE)`);
        await admin.end();
      }
    });

    it('refuses to adopt when the database applied a different text under that name', async () => {
      await writeFile(join(directory, '0003_create_ledger.sql'), 'CREATE TABLE ledger (id bigint);\n');
      await new MigrationRunner({ databaseUrl, directory }).run();
      await rm(join(directory, '0003_create_ledger.sql'));
      await writeFile(
        join(shared, '0001_create_ledger.sql'),
        `-- migrate:adopts 0003_create_ledger.sql\n${LEDGER_SQL}`,
      );
      await expect(
        new MigrationRunner({ databaseUrl, directory, sharedDirectory: shared }).run(),
      ).rejects.toThrow(/adopts 0003_create_ledger.sql, but .* applied a different text of it/);
      expect(await query("SELECT to_regclass('shared_schema_migrations') AS t")).toEqual([
        { t: 'shared_schema_migrations' },
      ]);
      expect(await query('SELECT count(*)::int AS count FROM shared_schema_migrations')).toEqual([
        { count: 0 },
      ]);
    });
  });
});
