import { Injectable, Logger } from '@nestjs/common';
import { MetricsService, TransactionRunner } from '@cloudphone/shared';
import type { Counter, Gauge } from 'prom-client';
import { UserServiceConfig } from '../../config/user-service.config';
import { AUDIT_DEFAULT_PARTITION, countByState, planAuditPartitions } from './audit-partition-months';
import { AuditPartitionsRepository } from './audit-partitions.repository';

/** How long one step waits for a table lock before giving up until the next run. */
const LOCK_TIMEOUT_MS = 10_000;

export interface AuditPartitionsOutcome {
  created: string[];
  dropped: string[];
  movedRows: number;
  expiredDefaultRows: number;
}

/**
 * Keeps `security_audit_events` partitioned by month: the current month and the configured number
 * ahead exist, months past retention are dropped. Safe to run any time and from several processes
 * at once: each step takes a transaction-level advisory lock and re-checks the catalog under it,
 * so a step another process already did is skipped, and a step that fails rolls back whole.
 */
@Injectable()
export class AuditPartitionsService {
  private readonly logger = new Logger(AuditPartitionsService.name);
  private readonly changes: Counter<'action'>;
  private readonly movedRows: Counter;
  private readonly partitions: Gauge<'state'>;
  private readonly defaultRows: Gauge;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: AuditPartitionsRepository,
    private readonly config: UserServiceConfig,
    metrics: MetricsService,
  ) {
    this.changes = metrics.counter({
      name: 'cloudphone_audit_partition_changes_total',
      help: 'Monthly security audit partitions created or dropped (partition-manager job)',
      labelNames: ['action'],
    });
    this.movedRows = metrics.counter({
      name: 'cloudphone_audit_rows_moved_total',
      help: 'Audit rows moved from the default partition into a newly created month',
    });
    this.partitions = metrics.gauge({
      name: 'cloudphone_audit_partitions',
      help: 'Monthly security audit partitions by month: past, current or future (partition-manager job)',
      labelNames: ['state'],
    });
    this.defaultRows = metrics.gauge({
      name: 'cloudphone_audit_default_partition_rows',
      help: 'Rows in the default audit partition: months that had no partition when written',
    });
  }

  /** Creates, moves and drops what `now` calls for; `signal` stops it between steps. */
  async maintain(now: Date, signal?: AbortSignal): Promise<AuditPartitionsOutcome> {
    const plan = planAuditPartitions({
      now,
      monthsAhead: this.config.auditPartitionMonthsAhead,
      retentionMonths: this.config.auditRetentionMonths,
      existing: await this.repository.partitionNames(),
    });
    const outcome: AuditPartitionsOutcome = { created: [], dropped: [], movedRows: 0, expiredDefaultRows: 0 };
    for (const month of plan.create) {
      signal?.throwIfAborted();
      const moved = await this.transactions.run(async () => {
        await this.repository.lockPartitionChanges(LOCK_TIMEOUT_MS);
        if (await this.repository.isAttached(month)) return null;
        return this.repository.createMonth(month);
      });
      if (moved === null) continue;
      outcome.created.push(month.name);
      outcome.movedRows += moved;
      this.changes.inc({ action: 'created' });
      this.movedRows.inc(moved);
      this.logger.log({ msg: 'audit partition created', partition: month.name, movedRows: moved });
    }
    for (const month of plan.drop) {
      signal?.throwIfAborted();
      const dropped = await this.transactions.run(async () => {
        await this.repository.lockPartitionChanges(LOCK_TIMEOUT_MS);
        if (!(await this.repository.isAttached(month))) return false;
        await this.repository.dropMonth(month);
        return true;
      });
      if (!dropped) continue;
      outcome.dropped.push(month.name);
      this.changes.inc({ action: 'dropped' });
      this.logger.log({ msg: 'audit partition dropped', partition: month.name, monthEnded: month.to });
    }
    signal?.throwIfAborted();
    outcome.expiredDefaultRows = await this.repository.deleteDefaultRowsBefore(plan.retainFrom);
    await this.publishGauges(now);
    return outcome;
  }

  private async publishGauges(now: Date): Promise<void> {
    const names = await this.repository.partitionNames();
    const counts = countByState(names, now);
    for (const state of ['past', 'current', 'future'] as const) this.partitions.set({ state }, counts[state]);
    const inDefault = await this.repository.countDefaultRows();
    this.defaultRows.set(inDefault);
    // Rows there mean a month had no partition when they were written: the job did not run ahead.
    if (inDefault > 0) {
      this.logger.warn({
        msg: 'audit rows in the default partition',
        partition: AUDIT_DEFAULT_PARTITION,
        rows: inDefault,
      });
    }
  }
}
