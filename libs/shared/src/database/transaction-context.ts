import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { databaseWork } from './database-work';
import { backgroundFailureLevel } from './database-outage';

/** The isolation levels a transaction may ask for (Postgres's default is READ COMMITTED). */
export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

interface TransactionFrame {
  manager: EntityManager;
  afterCommit: Array<() => void | Promise<void>>;
  /** Set once the transaction committed or rolled back; see `currentTransactionManager`. */
  ended: boolean;
}

const storage = new AsyncLocalStorage<TransactionFrame>();
const logger = new Logger('Transaction');

/**
 * Runs `work` in a database transaction that every repository call made inside it joins (through
 * `currentTransactionManager()`), so callers never pass a connection around. A call made inside
 * another transaction joins it. Callbacks registered with `afterCommit` run once the outermost
 * transaction has committed (never on rollback). Services reach this through `TransactionRunner`.
 */
export async function runInTransaction<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
  isolation?: IsolationLevel,
): Promise<T> {
  if (currentTransactionManager()) return work();
  const frame: TransactionFrame = {
    manager: undefined as unknown as EntityManager,
    afterCommit: [],
    ended: false,
  };
  const run = (manager: EntityManager) => {
    frame.manager = manager;
    return storage.run(frame, work);
  };
  let result: T;
  // START TRANSACTION, [SET TRANSACTION ISOLATION LEVEL,] COMMIT or ROLLBACK.
  databaseWork.transactions += 1;
  databaseWork.statements += isolation ? 3 : 2;
  databaseWork.roundTrips += isolation ? 3 : 2;
  try {
    result = isolation ? await dataSource.transaction(isolation, run) : await dataSource.transaction(run);
  } catch (error) {
    databaseWork.rollbacks += 1;
    throw error;
  } finally {
    frame.ended = true;
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

/**
 * The entity manager of the transaction the caller runs in, if any. Work started inside a
 * transaction but still running after it ended (a promise nobody awaited) carries the frame in its
 * async context; it gets undefined, so its statements run on the pool instead of a connection the
 * transaction already gave back (which another request may be using by then).
 */
export function currentTransactionManager(): EntityManager | undefined {
  const frame = storage.getStore();
  return frame && !frame.ended ? frame.manager : undefined;
}

/** Whether the caller runs inside a transaction that is still open. */
export function inTransaction(): boolean {
  return currentTransactionManager() !== undefined;
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
