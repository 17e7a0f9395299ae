import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import {
  AUDIT_DEFAULT_PARTITION,
  AUDIT_TABLE,
  type AuditPartitionMonth,
  monthOfPartitionName,
} from './audit-partition-months';

// Every column, in the parent's order, for moving rows between partitions.
const COLUMNS = 'id, occurred_at, event, user_id, actor, ip, user_agent, details';

/**
 * Partition DDL of `security_audit_events`. Identifiers and bounds cannot be bound parameters in
 * DDL, so they are built here from AuditPartitionMonth (our own names, checked against the naming
 * pattern, and ISO timestamps from Date), never from input. `createMonth` and `dropMonth` must run
 * inside TransactionRunner.run: each one is a step that commits or rolls back whole.
 */
@Injectable()
export class AuditPartitionsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Names of the tables attached to the audit table (monthly ones and the default). */
  async partitionNames(): Promise<string[]> {
    const rows = await this.sql.rows<{ name: string }>(
      `SELECT c.relname AS name
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass
       ORDER BY c.relname`,
      [AUDIT_TABLE],
    );
    return rows.map((row) => row.name);
  }

  /**
   * Serialises partition changes across processes until the transaction ends, and bounds how long
   * any lock of this transaction is waited for: a step stuck behind a long query fails (and the
   * next run retries) instead of queueing every reader and writer of the table behind it.
   */
  async lockPartitionChanges(lockTimeoutMs: number): Promise<void> {
    await this.sql.rows(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
    await this.sql.rows(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${AUDIT_TABLE}:partitions`]);
  }

  async isAttached(month: AuditPartitionMonth): Promise<boolean> {
    const row = await this.sql.one<{ attached: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = $1::regclass AND c.relname = $2
       ) AS attached`,
      [AUDIT_TABLE, month.name],
    );
    return row?.attached === true;
  }

  /**
   * Creates the month's partition and moves into it the rows the default partition holds for that
   * month; returns how many moved. Locks first the parent against writes (SHARE ROW EXCLUSIVE:
   * reads go on), then the default partition: an insert arriving meanwhile waits and, once this
   * commits, lands in the new partition, instead of reaching the default after the move (where
   * Postgres would refuse it as outside the default's new bounds). Parent before default, the
   * order a routed insert takes them in, so the two cannot deadlock. The new table gets the month's
   * bounds as a CHECK before any row, so ATTACH trusts it instead of scanning it.
   */
  async createMonth(month: AuditPartitionMonth): Promise<number> {
    const table = checkedName(month);
    const bounds = `occurred_at >= ${timestamp(month.from)} AND occurred_at < ${timestamp(month.to)}`;
    await this.sql.rowsOnce(`LOCK TABLE ${AUDIT_TABLE} IN SHARE ROW EXCLUSIVE MODE`);
    await this.sql.rowsOnce(`LOCK TABLE ${AUDIT_DEFAULT_PARTITION} IN ACCESS EXCLUSIVE MODE`);
    await this.sql.rowsOnce(`CREATE TABLE ${table} (LIKE ${AUDIT_TABLE} INCLUDING ALL)`);
    await this.sql.rowsOnce(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_bounds CHECK (${bounds})`);
    // Delete and insert are one statement: a row leaves the default only by arriving in the month.
    const [moved] = await this.sql.rowsOnce<{ count: number }>(
      `WITH moved AS (
         DELETE FROM ${AUDIT_DEFAULT_PARTITION} WHERE ${bounds} RETURNING ${COLUMNS}
       ), inserted AS (
         INSERT INTO ${table} (${COLUMNS}) SELECT ${COLUMNS} FROM moved RETURNING 1
       )
       SELECT count(*)::int AS count FROM inserted`,
    );
    await this.sql.rowsOnce(
      `ALTER TABLE ${AUDIT_TABLE} ATTACH PARTITION ${table}
       FOR VALUES FROM (${timestamp(month.from)}) TO (${timestamp(month.to)})`,
    );
    // The partition constraint now says the same thing.
    await this.sql.rowsOnce(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_bounds`);
    return moved?.count ?? 0;
  }

  /** Detaches and drops the month's partition with every row in it. */
  async dropMonth(month: AuditPartitionMonth): Promise<void> {
    const table = checkedName(month);
    await this.sql.rowsOnce(`ALTER TABLE ${AUDIT_TABLE} DETACH PARTITION ${table}`);
    await this.sql.rowsOnce(`DROP TABLE ${table}`);
  }

  /** Deletes rows past retention that sit in the default partition (a month never created). */
  async deleteDefaultRowsBefore(before: Date): Promise<number> {
    const rows = await this.sql.rows<{ count: number }>(
      `WITH deleted AS (
         DELETE FROM ${AUDIT_DEFAULT_PARTITION} WHERE occurred_at < $1 RETURNING 1
       )
       SELECT count(*)::int AS count FROM deleted`,
      [before],
    );
    return rows[0]?.count ?? 0;
  }

  /** Rows in the default partition: normally none, since months are created ahead. */
  async countDefaultRows(): Promise<number> {
    const rows = await this.sql.rows<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${AUDIT_DEFAULT_PARTITION}`,
    );
    return rows[0]?.count ?? 0;
  }
}

/** The month's table name, after checking it is one of ours (the only text spliced into DDL). */
function checkedName(month: AuditPartitionMonth): string {
  if (monthOfPartitionName(month.name)?.index !== month.index)
    throw new Error(`not an audit partition name: ${month.name}`);
  return month.name;
}

/** A timestamptz literal: ISO 8601 in UTC, read the same whatever the session's time zone. */
function timestamp(date: Date): string {
  return `'${date.toISOString()}'`;
}
