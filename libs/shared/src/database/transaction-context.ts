import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { AsyncContextKey } from '../concurrency/async-context';
import { databaseWork } from './database-work';
import { backgroundFailureLevel } from './database-outage';
import type { DatabasePool } from './database-pool';
import { DatabaseQueryError } from './database-query.error';

/** The isolation levels a transaction may ask for (Postgres's default is READ COMMITTED). */
export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

interface TransactionFrame {
  connection: PoolClient;
  afterCommit: Array<() => void | Promise<void>>;
  /** Set once the transaction committed or rolled back; see `currentTransactionConnection`. */
  ended: boolean;
}

const storage = new AsyncContextKey<TransactionFrame>('transaction');
const logger = new Logger('Transaction');

/**
 * Runs `work` in a database transaction that every repository call made inside it joins (through
 * `currentTransactionConnection()`), so callers never pass a connection around. A call made inside
 * another transaction joins it. Callbacks registered with `afterCommit` run once the outermost
 * transaction has committed (never on rollback). Services reach this through `TransactionRunner`.
 */
export async function runInTransaction<T>(
  database: DatabasePool,
  work: () => Promise<T>,
  isolation?: IsolationLevel,
): Promise<T> {
  if (currentTransactionConnection()) return work();
  const held = await database.connect();
  const frame: TransactionFrame = { connection: held.client, afterCommit: [], ended: false };
  let result: T;
  // BEGIN (with its isolation level), then COMMIT or ROLLBACK.
  databaseWork.transactions += 1;
  databaseWork.statements += 2;
  databaseWork.roundTrips += 2;
  try {
    await control(held.client, isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
    result = await storage.run(frame, work);
    await control(held.client, 'COMMIT');
  } catch (error) {
    databaseWork.rollbacks += 1;
    await held.rollback();
    throw error;
  } finally {
    frame.ended = true;
    held.release();
  }
  for (const callback of frame.afterCommit) {
    try {
      await callback();
    } catch (error) {
      logger[backgroundFailureLevel(error)]({ msg: 'after-commit callback failed', err: error });
    }
  }
  return result;
}

async function control(connection: PoolClient, sql: string): Promise<void> {
  try {
    await connection.query(sql);
  } catch (error) {
    throw new DatabaseQueryError(sql, [], error as Error);
  }
}

/**
 * The connection of the transaction the caller runs in, if any. Work started inside a
 * transaction but still running after it ended (a promise nobody awaited) carries the frame in its
 * async context; it gets undefined, so its statements run on the pool instead of a connection the
 * transaction already gave back (which another request may be using by then).
 */
export function currentTransactionConnection(): PoolClient | undefined {
  const frame = storage.getStore();
  return frame && !frame.ended ? frame.connection : undefined;
}

/** Whether the caller runs inside a transaction that is still open. */
export function inTransaction(): boolean {
  return currentTransactionConnection() !== undefined;
}

/**
 * Defers `callback` until the surrounding transaction commits; outside a transaction it runs now.
 * Used for side effects that must not happen for a rolled-back change (cache eviction, wake-ups).
 */
export async function afterCommit(callback: () => void | Promise<void>): Promise<void> {
  const frame = storage.getStore();
  if (frame && !frame.ended) frame.afterCommit.push(callback);
  else await callback();
}
