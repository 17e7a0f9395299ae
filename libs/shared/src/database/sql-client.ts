import { Injectable } from '@nestjs/common';
import { DatabasePool } from './database-pool';
import { type Queryable, queryRows, queryRowsOnce } from './query-rows';
import { currentTransactionConnection } from './transaction-context';

/**
 * What repositories run SQL through. Each statement joins the ambient transaction when the caller
 * is inside `TransactionRunner.run`, and otherwise runs alone on a pooled connection.
 */
@Injectable()
export class SqlClient {
  constructor(private readonly database: DatabasePool) {}

  /**
   * The rows of one fixed statement (values go in `parameters`), as a named prepared statement:
   * Postgres plans it once per connection. UPDATE/DELETE … RETURNING return their rows too.
   */
  rows<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.connection(), sql, parameters);
  }

  /** The first row of `rows`, or null. */
  async one<T>(sql: string, parameters: unknown[] = []): Promise<T | null> {
    const [row] = await this.rows<T>(sql, parameters);
    return row ?? null;
  }

  /**
   * The rows of a statement whose text varies with the request (list filters and sorts), run
   * unprepared so the connection does not keep a plan for every combination.
   */
  rowsOnce<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return queryRowsOnce<T>(this.connection(), sql, parameters);
  }

  private connection(): Queryable {
    return currentTransactionConnection() ?? this.database.pool;
  }
}
