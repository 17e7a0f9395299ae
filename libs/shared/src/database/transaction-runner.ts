import { Injectable } from '@nestjs/common';
import { DatabasePool } from './database-pool';
import { type IsolationLevel, runInTransaction } from './transaction-context';

/**
 * How services group repository calls into one transaction: `run(() => …)`. Repositories called
 * inside join it on their own (the transaction is ambient), so a service never holds a connection
 * or SQL.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly database: DatabasePool) {}

  run<T>(work: () => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    return runInTransaction(this.database, work, isolation);
  }
}
