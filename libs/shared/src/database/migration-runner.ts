import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { databaseNameOf, withDatabaseName } from './database-url';
import { acquireMigrationLock, MIGRATION_LOCK_KEY } from './migration-lock';

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
  transactional: boolean;
  /** A service migration this shared one replaces: recorded as applied where that one already ran. */
  adopts: { name: string; checksum: string } | null;
}

export interface MigrationRunResult {
  database: string;
  applied: string[];
  alreadyApplied: number;
}

export interface MigrationRunnerOptions {
  databaseUrl: string;
  /** The service's own migrations, recorded in `schema_migrations`. */
  directory: string;
  /**
   * Migrations every service database gets (migrations/shared: the outbox and inbox), applied
   * before the service's own and recorded in `shared_schema_migrations`.
   */
  sharedDirectory?: string;
  log?: (message: string) => void;
  /** Told when another runner holds the migration lock, and whom it waits for (default: `log`). */
  onLockWait?: (message: string) => void;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// Only at the very start of the file: the same words further down are an ordinary comment.
const NO_TRANSACTION_MARKER = /^--\s*migrate:no-transaction\b/;
// A first line naming the service migration whose exact text follows it (see MigrationFile.adopts).
const ADOPTS_MARKER = /^--\s*migrate:adopts\s+(\d{4}_[a-z0-9_]+\.sql)\n/;

/**
 * Applies `NNNN_name.sql` files in order, each once, each in its own transaction, recording them in
 * `schema_migrations`. Two runners started together serialise on a Postgres advisory lock, and an
 * applied file whose contents changed stops the run (migrations are never edited once merged).
 */
export class MigrationRunner {
  private readonly log: (message: string) => void;

  constructor(private readonly options: MigrationRunnerOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Creates the target database when it does not exist; safe when several processes race. */
  async ensureDatabase(): Promise<void> {
    const database = databaseNameOf(this.options.databaseUrl);
    const client = new Client({ connectionString: withDatabaseName(this.options.databaseUrl, 'postgres') });
    await client.connect();
    try {
      const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (existing.rowCount) return;
      try {
        await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
        this.log(`created database ${database}`);
      } catch (error) {
        const code = (error as { code?: string }).code;
        // 42P04 duplicate_database, 23505 unique_violation: another runner created it first.
        if (code !== '42P04' && code !== '23505') throw error;
      }
    } finally {
      await client.end();
    }
  }

  async readFiles(directory = this.options.directory): Promise<MigrationFile[]> {
    const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
    const files: MigrationFile[] = [];
    for (const name of names) {
      const match = FILE_PATTERN.exec(name);
      if (!match) throw new Error(`Migration file name ${name} does not match NNNN_snake_name.sql`);
      const sql = await readFile(join(directory, name), 'utf8');
      const adopts = ADOPTS_MARKER.exec(sql);
      files.push({
        version: Number(match[1]),
        name,
        sql,
        checksum: sha256(sql),
        transactional: !NO_TRANSACTION_MARKER.test(sql),
        adopts: adopts ? { name: adopts[1], checksum: sha256(sql.slice(adopts[0].length)) } : null,
      });
    }
    const versions = new Set<number>();
    for (const file of files) {
      if (versions.has(file.version)) throw new Error(`Two migrations share version ${file.version}`);
      versions.add(file.version);
    }
    return files;
  }

  async run(): Promise<MigrationRunResult> {
    await this.ensureDatabase();
    const shared = this.options.sharedDirectory ? await this.readFiles(this.options.sharedDirectory) : [];
    const own = await this.readFiles();
    const database = databaseNameOf(this.options.databaseUrl);
    const client = new Client({
      connectionString: this.options.databaseUrl,
      // Named, so a runner waiting on this one's lock can say whom it waits for.
      application_name: `cloudphone-migrate:${hostname()}:${process.pid}`,
    });
    await client.connect();
    try {
      await acquireMigrationLock(client, database, this.options.onLockWait ?? this.log);
      const ownApplied = await this.appliedIn(client, 'schema_migrations');
      const sharedApplied = shared.length > 0 ? await this.appliedIn(client, 'shared_schema_migrations') : [];
      const newlyApplied = [
        ...(await this.applyPending(
          client,
          database,
          shared,
          sharedApplied,
          'shared_schema_migrations',
          ownApplied,
        )),
        ...(await this.applyPending(client, database, own, ownApplied, 'schema_migrations', [])),
      ];
      const total = shared.length + own.length;
      return { database, applied: newlyApplied, alreadyApplied: total - newlyApplied.length };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await client.end();
    }
  }

  /** The rows of a bookkeeping table, which is created first if this database has none yet. */
  private async appliedIn(client: Client, table: BookkeepingTable): Promise<AppliedMigration[]> {
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      execution_ms integer NOT NULL
    )`);
    return (await client.query<AppliedMigration>(`SELECT version, name, checksum FROM ${table}`)).rows;
  }

  /**
   * Applies the files not yet recorded in `table`, refusing any applied file whose text changed. A
   * shared file that adopts a service migration already applied here (same name, same text) is only
   * recorded: the database has its tables from before the migration moved to migrations/shared.
   */
  private async applyPending(
    client: Client,
    database: string,
    files: MigrationFile[],
    applied: AppliedMigration[],
    table: BookkeepingTable,
    serviceApplied: AppliedMigration[],
  ): Promise<string[]> {
    const byVersion = new Map(applied.map((row) => [row.version, row]));
    const newlyApplied: string[] = [];
    for (const file of files) {
      const previous = byVersion.get(file.version);
      if (previous) {
        if (previous.checksum !== file.checksum) {
          throw new Error(
            `Migration ${file.name} in ${database} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      const adopted = file.adopts && serviceApplied.find((row) => row.name === file.adopts?.name);
      if (adopted && adopted.checksum !== file.adopts?.checksum) {
        throw new Error(
          `Shared migration ${file.name} adopts ${adopted.name}, but ${database} applied a different text of it`,
        );
      }
      if (adopted) await this.record(client, table, file, 0);
      else await this.apply(client, table, file);
      newlyApplied.push(file.name);
      this.log(
        `${database}: ${adopted ? `adopted ${file.name} (${adopted.name} was applied)` : `applied ${file.name}`}`,
      );
    }
    return newlyApplied;
  }

  private record(client: Client, table: BookkeepingTable, file: MigrationFile, executionMs: number) {
    return client.query(
      `INSERT INTO ${table} (version, name, checksum, execution_ms) VALUES ($1, $2, $3, $4)`,
      [file.version, file.name, file.checksum, executionMs],
    );
  }

  private async apply(client: Client, table: BookkeepingTable, file: MigrationFile): Promise<void> {
    const started = Date.now();
    const record = () => this.record(client, table, file, Date.now() - started);
    if (!file.transactional) {
      await client.query(file.sql);
      await record();
      return;
    }
    await client.query('BEGIN');
    try {
      await client.query(file.sql);
      await record();
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new Error(`Migration ${file.name} failed: ${(error as Error).message}`);
    }
  }
}

type BookkeepingTable = 'schema_migrations' | 'shared_schema_migrations';

interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
