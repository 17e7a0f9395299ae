import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { databaseNameOf, withDatabaseName } from './database-url';

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
  transactional: boolean;
}

export interface MigrationRunResult {
  database: string;
  applied: string[];
  alreadyApplied: number;
}

export interface MigrationRunnerOptions {
  databaseUrl: string;
  directory: string;
  log?: (message: string) => void;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// Only at the very start of the file: the same words further down are an ordinary comment.
const NO_TRANSACTION_MARKER = /^--\s*migrate:no-transaction\b/;
// One advisory lock key for every migration runner; two runners of one database wait for each other.
const MIGRATION_LOCK_KEY = 7_311_020_501;

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

  async readFiles(): Promise<MigrationFile[]> {
    const names = (await readdir(this.options.directory)).filter((name) => name.endsWith('.sql')).sort();
    const files: MigrationFile[] = [];
    for (const name of names) {
      const match = FILE_PATTERN.exec(name);
      if (!match) throw new Error(`Migration file name ${name} does not match NNNN_snake_name.sql`);
      const sql = await readFile(join(this.options.directory, name), 'utf8');
      files.push({
        version: Number(match[1]),
        name,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
        transactional: !NO_TRANSACTION_MARKER.test(sql),
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
    const files = await this.readFiles();
    const database = databaseNameOf(this.options.databaseUrl);
    const client = new Client({ connectionString: this.options.databaseUrl });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        execution_ms integer NOT NULL
      )`);
      const applied = new Map<number, { name: string; checksum: string }>(
        (
          await client.query<{ version: number; name: string; checksum: string }>(
            'SELECT version, name, checksum FROM schema_migrations',
          )
        ).rows.map((row) => [row.version, row]),
      );
      const newlyApplied: string[] = [];
      for (const file of files) {
        const previous = applied.get(file.version);
        if (previous) {
          if (previous.checksum !== file.checksum) {
            throw new Error(
              `Migration ${file.name} in ${database} was changed after it was applied; add a new migration instead`,
            );
          }
          continue;
        }
        await this.apply(client, file);
        newlyApplied.push(file.name);
        this.log(`${database}: applied ${file.name}`);
      }
      return { database, applied: newlyApplied, alreadyApplied: files.length - newlyApplied.length };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await client.end();
    }
  }

  private async apply(client: Client, file: MigrationFile): Promise<void> {
    const started = Date.now();
    const record = async () =>
      client.query(
        'INSERT INTO schema_migrations (version, name, checksum, execution_ms) VALUES ($1, $2, $3, $4)',
        [file.version, file.name, file.checksum, Date.now() - started],
      );
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

function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
