import { Injectable } from '@nestjs/common';
import { outboxMessagesSettleSql, planStableParameter, SqlClient } from '@cloudphone/shared';

// The batch's arrays, read so that Postgres keeps one generic plan of the statement whatever the
// batch's size (planStableParameter): it planned every batch for its own count, 0.8 ms each.
const IDS = planStableParameter('$1', 'uuid[]');
const AMOUNTS = planStableParameter('$2', 'bigint[]');
const CURRENCIES = planStableParameter('$3', 'text[]');
const REPORT_IDS = planStableParameter('$4', 'uuid[]');

/** What billing charged for one allocation, as its answer to the allocation's usage report said. */
export interface AllocationCharge {
  allocationId: string;
  amountMinor: string;
  currency: string;
}

/** The charges billing answered, stored on live and archived allocations. */
@Injectable()
export class AllocationChargesRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Stores what billing charged for allocations, live or archived, and settles the delivered billing
   * reports `reportIds` (outbox message ids), in one statement. The live rows are locked in id order
   * first, so two such statements cannot deadlock; a charge told twice in one batch is stored once.
   * Answers the allocation ids it found here.
   */
  async recordCharges(
    charges: readonly AllocationCharge[],
    reportIds: readonly string[],
  ): Promise<Set<string>> {
    const rows = await this.sql.rows<{ id: string }>(
      `WITH charges AS (
         SELECT DISTINCT ON (id) * FROM unnest(${IDS}, ${AMOUNTS}, ${CURRENCIES}) AS c (id, amount_minor, currency)
         ORDER BY id
       ), locked AS (
         SELECT a.id FROM device_allocations a JOIN charges c ON c.id = a.id ORDER BY a.id FOR UPDATE OF a
       ), live AS (
         UPDATE device_allocations a SET charged_amount_minor = c.amount_minor, charged_currency = c.currency
         FROM charges c, locked l WHERE a.id = c.id AND l.id = a.id RETURNING a.id
       ), archived AS (
         UPDATE device_allocations_history h SET charged_amount_minor = c.amount_minor, charged_currency = c.currency
         FROM charges c WHERE h.id = c.id AND NOT EXISTS (SELECT 1 FROM locked l WHERE l.id = c.id) RETURNING h.id
       ), settled AS (${outboxMessagesSettleSql(REPORT_IDS)})
       SELECT id FROM live UNION ALL SELECT id FROM archived`,
      [
        charges.map((charge) => charge.allocationId),
        charges.map((charge) => charge.amountMinor),
        charges.map((charge) => charge.currency),
        reportIds,
      ],
    );
    return new Set(rows.map((row) => row.id));
  }
}
