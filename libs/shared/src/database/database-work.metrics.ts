import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { databaseWork } from './database-work';

/**
 * Exposes `databaseWork` as counters: statements per request is the first figure to read when a
 * path gets slower (each one is a round trip to Postgres), and transactions per request the second
 * (each commit waits for the WAL to reach disk).
 */
@Injectable()
export class DatabaseWorkMetrics {
  constructor(metrics: MetricsService) {
    metrics.counter({
      name: 'cloudphone_db_statements_total',
      help: 'SQL statements this process sent to Postgres, BEGIN/COMMIT/ROLLBACK included',
      collect() {
        this.reset();
        this.inc(databaseWork.statements);
      },
    });
    metrics.counter({
      name: 'cloudphone_db_round_trips_total',
      help: 'Round trips to Postgres this process waited for (a simple query may carry several statements)',
      collect() {
        this.reset();
        this.inc(databaseWork.roundTrips);
      },
    });
    metrics.counter({
      name: 'cloudphone_db_transactions_total',
      help: 'Transactions run through TransactionRunner and the outbox relay, by outcome',
      labelNames: ['outcome'],
      collect() {
        this.reset();
        this.inc({ outcome: 'committed' }, databaseWork.transactions - databaseWork.rollbacks);
        this.inc({ outcome: 'rolled_back' }, databaseWork.rollbacks);
      },
    });
  }
}
