import { Injectable } from '@nestjs/common';
import {
  type NewOutboxRow,
  outboxEventsInsertSql,
  outboxEventsParameters,
  SqlClient,
} from '@cloudphone/shared';
import {
  accountBalancesParameters,
  accountBalancesUpdateSql,
  type PlannedBalanceWrites,
  usageChargesInsertSql,
  usageChargesParameters,
} from '../accounts';
import { runningMetersCloseSql } from './running-allocations.repository';
import type { UsageRecord } from './usage-record';
import { usageRecordsInsertSql, usageRecordsParameter } from './usage.repository';

// Parameter positions: the records ($1), the charges ($2–$5), the balances ($6–$8), the events.
const CHARGES = 2;
const BALANCES = 6;
const EVENTS = 9;

// Every write of a usage batch in one statement: the records (unless recorded meanwhile), the
// ledger entry and closed meter of each record really inserted, the accounts' final balances and
// the events. Its data-modifying CTEs run to completion whether or not the query reads them.
const SETTLE_USAGES = `WITH recorded AS (${usageRecordsInsertSql('$1')}),
  charges AS (${usageChargesInsertSql(CHARGES, 'recorded')}),
  balances AS (${accountBalancesUpdateSql(BALANCES)}),
  meters AS (${runningMetersCloseSql('recorded')}),
  events AS (${outboxEventsInsertSql(EVENTS)})
SELECT count(*)::int AS recorded FROM recorded`;

/**
 * Writes a usage batch UsageBatchRecorder planned, in one statement: one round trip whatever the
 * batch's size, instead of one per table. The transaction holds the accounts' and meters' locks.
 */
@Injectable()
export class UsageSettlementRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Returns how many records were new. When fewer than `records` (an allocation recorded by a
   * report that committed meanwhile), the balances were still written as planned: the caller must
   * roll the transaction back.
   */
  async settleAll(
    records: readonly UsageRecord[],
    balances: PlannedBalanceWrites,
    events: readonly NewOutboxRow[],
  ): Promise<number> {
    const [row] = await this.sql.rows<{ recorded: number }>(SETTLE_USAGES, [
      usageRecordsParameter(records),
      ...usageChargesParameters(balances.charges),
      ...accountBalancesParameters(balances.balances),
      ...outboxEventsParameters(events),
    ]);
    return row.recorded;
  }
}
