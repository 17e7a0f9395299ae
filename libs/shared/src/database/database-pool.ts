import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { DatabaseQueryError } from './database-query.error';

export interface DatabasePoolOptions {
  url: string;
  /** At most this many connections (default 10). */
  poolSize?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  statementTimeoutMs?: number;
  /** How long a caller waits for a free connection before the pool gives up (default 5 s). */
  connectionTimeoutMs?: number;
}

/** How `open` waits for a database that is not up yet: as long as a supervisor's start grace. */
const OPEN_ATTEMPTS = 10;
const OPEN_RETRY_DELAY_MS = 1000;

/**
 * The service's connections to its Postgres database: node-postgres's pool, and nothing between it
 * and the SQL (TypeORM here was a fifth of the modules a service loads at start, and a query-runner
 * object per statement, for features nobody used: no entities, no ORM queries). Repositories reach
 * it through `SqlClient`, transactions through `TransactionRunner`; tests and tools may `query` it.
 */
export class DatabasePool {
  private constructor(readonly pool: Pool) {}

  /** A pool whose connections are made when first needed. */
  static create(options: DatabasePoolOptions, logger = new Logger(DatabasePool.name)): DatabasePool {
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      application_name: options.applicationName,
      statement_timeout: options.statementTimeoutMs,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    });
    // An idle connection the server dropped (a restart, a cut) is reported here and discarded; left
    // without a listener the event would end the process. pg-pool hangs the dropped client on the
    // error (`client`): logged with it, one line carried the whole connection object, kilobytes.
    pool.on('error', (error: Error & { client?: unknown }) => {
      delete error.client;
      logger.warn({ msg: 'idle database connection lost', err: error });
    });
    return new DatabasePool(pool);
  }

  /**
   * A pool that has made one connection, waiting up to about ten seconds for the database to come
   * up first: a service must not report itself started against a database it cannot reach.
   */
  static async open(
    options: DatabasePoolOptions,
    logger = new Logger(DatabasePool.name),
  ): Promise<DatabasePool> {
    const database = DatabasePool.create(options, logger);
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await database.pool.connect();
        client.release();
        return database;
      } catch (error) {
        if (attempt >= OPEN_ATTEMPTS) {
          await database.end();
          throw error;
        }
        logger.warn({ msg: 'cannot connect to the database yet; retrying', attempt, err: error });
        await sleep(OPEN_RETRY_DELAY_MS);
      }
    }
  }

  /** One unprepared statement on a pooled connection: its rows and how many it touched. */
  async query<T = Record<string, unknown>>(
    sql: string,
    parameters: unknown[] = [],
  ): Promise<{ rows: T[]; rowCount: number }> {
    try {
      const result = await this.pool.query(sql, parameters);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw new DatabaseQueryError(sql, parameters, error as Error);
    }
  }

  /**
   * A connection held by the caller until `release`. While held, a connection error is the holder's
   * to see in its next statement, not an event that ends the process.
   */
  async connect(): Promise<HeldConnection> {
    const client = await this.pool.connect();
    const onError = (): void => undefined;
    client.on('error', onError);
    let broken: Error | undefined;
    return {
      client,
      async rollback() {
        // A connection that cannot even roll back is broken: `release` discards it, so it is never
        // lent again in the middle of a transaction.
        await client.query('ROLLBACK').catch((error: Error) => (broken = error));
      },
      release(discard = false) {
        client.removeListener('error', onError);
        client.release(discard ? new Error('discarded by its holder') : broken);
      },
    };
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

export interface HeldConnection {
  client: PoolClient;
  /** Ends the open transaction, if it can; a connection that cannot is discarded at `release`. */
  rollback(): Promise<void>;
  /** Back to the pool; with `discard`, closed instead (its session state is unknown). */
  release(discard?: boolean): void;
}
