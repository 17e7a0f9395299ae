import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

interface TransactionFrame {
  manager: EntityManager;
  afterCommit: Array<() => void | Promise<void>>;
}

const storage = new AsyncLocalStorage<TransactionFrame>();
const logger = new Logger('Transaction');

/**
 * Runs `work` in a database transaction whose manager is also reachable through
 * `currentTransactionManager()`. A call made inside another transaction joins it. Callbacks
 * registered with `afterCommit` run once the outermost transaction has committed (never on rollback).
 */
export async function runInTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  isolation?: IsolationLevel,
): Promise<T> {
  const outer = storage.getStore();
  if (outer) return work(outer.manager);
  const frame: TransactionFrame = { manager: undefined as unknown as EntityManager, afterCommit: [] };
  const run = (manager: EntityManager) => {
    frame.manager = manager;
    return storage.run(frame, () => work(manager));
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

/**
 * Defers `callback` until the surrounding transaction commits; outside a transaction it runs now.
 * Used for side effects that must not happen for a rolled-back change (cache eviction, wake-ups).
 */
export async function afterCommit(callback: () => void | Promise<void>): Promise<void> {
  const frame = storage.getStore();
  if (frame) frame.afterCommit.push(callback);
  else await callback();
}
