import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

/** The isolation levels a transaction may ask for (Postgres's default is READ COMMITTED). */
export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

interface TransactionFrame {
  manager: EntityManager;
  afterCommit: Array<() => void | Promise<void>>;
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
  if (storage.getStore()) return work();
  const frame: TransactionFrame = { manager: undefined as unknown as EntityManager, afterCommit: [] };
  const run = (manager: EntityManager) => {
    frame.manager = manager;
    return storage.run(frame, work);
  };
  const result = isolation ? await dataSource.transaction(isolation, run) : await dataSource.transaction(run);
  for (const callback of frame.afterCommit) {
    try {
      await callback();
    } catch (error) {
      logger.error({ msg: 'after-commit callback failed', err: error });
    }
  }
  return result;
}

/** The entity manager of the transaction the caller runs in, if any. */
export function currentTransactionManager(): EntityManager | undefined {
  return storage.getStore()?.manager;
}

/** Whether the caller runs inside a transaction. */
export function inTransaction(): boolean {
  return storage.getStore() !== undefined;
}

/**
 * Defers `callback` until the surrounding transaction commits; outside a transaction it runs now.
 * Used for side effects that must not happen for a rolled-back change (cache eviction, wake-ups).
 */
export async function afterCommit(callback: () => void | Promise<void>): Promise<void> {
  const frame = storage.getStore();
  if (frame) frame.afterCommit.push(callback);
  else await callback();
}
