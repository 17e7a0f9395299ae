import type { EntityManager, QueryResult } from 'typeorm';

/**
 * Runs one SQL statement through `manager` (inside its transaction when it has one) and returns
 * the rows, for UPDATE/DELETE … RETURNING as well: TypeORM's plain `query()` wraps those results
 * in `[rows, count]`, which is easy to misread.
 */
export async function queryRows<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const owned = manager.queryRunner === undefined;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return ((await runner.query(sql, parameters, true)) as QueryResult).records as T[];
  } finally {
    if (owned) await runner.release();
  }
}
