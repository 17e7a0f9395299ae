import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { databaseWork } from './database-work';
import { queryRows } from './query-rows';
import { currentTransactionManager } from './transaction-context';

/**
 * What repositories run SQL through. Each statement joins the ambient transaction when the caller
 * is inside `TransactionRunner.run`, and otherwise runs alone on a pooled connection.
 */
@Injectable()
export class SqlClient {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The rows of one fixed statement (values go in `parameters`), as a named prepared statement:
   * Postgres plans it once per connection. UPDATE/DELETE … RETURNING return their rows too.
   */
  rows<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.manager(), sql, parameters);
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
  async rowsOnce<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    databaseWork.statements += 1;
    databaseWork.roundTrips += 1;
    return (await this.manager().query(sql, parameters)) as T[];
  }

  private manager() {
    return currentTransactionManager() ?? this.dataSource.manager;
  }
}
