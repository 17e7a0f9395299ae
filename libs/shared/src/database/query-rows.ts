import { createHash } from 'node:crypto';
import { databaseWork } from './database-work';
import { DatabaseQueryError } from './database-query.error';

/** A pooled connection, or the pool itself (which lends one for the statement). */
export interface Queryable {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
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
 * Runs one SQL statement on `connection` and returns its rows (UPDATE/DELETE … RETURNING too).
 *
 * The statement is a named prepared statement on its connection: Postgres parses and plans it
 * once per connection instead of on every call, which halves the cost of the scheduler's heavier
 * statements. Use it for SQL whose text is fixed (values go in `parameters`), so the number of
 * distinct statements stays small. Failures are DatabaseQueryError.
 */
export function queryRows<T>(connection: Queryable, sql: string, parameters: unknown[] = []): Promise<T[]> {
  return run<T>(connection, statementName(sql), sql, parameters);
}

/** One statement run unprepared (its text varies with the request), on `connection`. */
export function queryRowsOnce<T>(
  connection: Queryable,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  return run<T>(connection, undefined, sql, parameters);
}

async function run<T>(
  connection: Queryable,
  name: string | undefined,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  databaseWork.statements += 1;
  databaseWork.roundTrips += 1;
  try {
    return (await connection.query({ name, text: sql, values: parameters })).rows as T[];
  } catch (error) {
    throw new DatabaseQueryError(sql, parameters, error as Error);
  }
}
