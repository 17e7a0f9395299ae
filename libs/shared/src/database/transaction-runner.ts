import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type IsolationLevel, runInTransaction } from './transaction-context';

/**
 * How services group repository calls into one transaction: `run(() => …)`. Repositories called
 * inside join it on their own (the transaction is ambient), so a service never holds a connection,
 * an entity manager or SQL.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: () => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    return runInTransaction(this.dataSource, work, isolation);
  }
}
