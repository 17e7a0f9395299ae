import { createHash } from 'node:crypto';
import { type EntityManager, QueryFailedError, type QueryRunner } from 'typeorm';
import { databaseWork } from './database-work';

interface PreparingClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

// SQL text → statement name, so hashing happens once per distinct statement, not per call.
const statementNames = new Map<string, string>();

function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `cp_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * Runs one SQL statement through `manager` (inside its transaction when it has one) and returns its
 * rows, for UPDATE/DELETE … RETURNING too (TypeORM's `query()` wraps those in `[rows, count]`).
 *
 * The statement is a named prepared statement on its connection: Postgres parses and plans it
 * once per connection instead of on every call, which halves the cost of the scheduler's heavier
 * statements. Use it for SQL whose text is fixed (values go in `parameters`), so the number of
 * distinct statements stays small. Errors are TypeORM's QueryFailedError, as from `query()`.
 */
export async function queryRows<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const owned = manager.queryRunner === undefined;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return await runnerRows<T>(runner, sql, parameters);
  } finally {
    if (owned) await runner.release();
  }
}

/** `queryRows` on a QueryRunner the caller holds (e.g. for a transaction it manages itself). */
export async function runnerRows<T>(
  runner: QueryRunner,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const client = (await runner.connect()) as PreparingClient;
  databaseWork.statements += 1;
  databaseWork.roundTrips += 1;
  try {
    const result = await client.query({ name: statementName(sql), text: sql, values: parameters });
    return result.rows as T[];
  } catch (error) {
    throw new QueryFailedError(sql, parameters, error as Error);
  }
}
