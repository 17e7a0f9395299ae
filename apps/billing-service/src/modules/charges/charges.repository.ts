import { Injectable } from '@nestjs/common';
import { decodeColumn, SqlClient, TableMap } from '@cloudphone/shared';
import type { ServiceChargeRecord } from './service-charge-record';

const SERVICE_CHARGES = new TableMap<ServiceChargeRecord>('service_charges', {
  id: 'id',
  reference: 'reference',
  accountId: 'account_id',
  userId: 'user_id',
  tenantId: 'tenant_id',
  source: 'source',
  description: 'description',
  amountMinor: { column: 'amount_minor', decode: decodeColumn.bigint },
  currency: 'currency',
  balanceAfterMinor: { column: 'balance_after_minor', decode: decodeColumn.bigint },
  occurredAt: 'occurred_at',
  recordedAt: 'recorded_at',
});

@Injectable()
export class ChargesRepository {
  constructor(private readonly sql: SqlClient) {}

  async findByReference(reference: string): Promise<ServiceChargeRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${SERVICE_CHARGES.select()} FROM service_charges WHERE reference = $1`,
      [reference],
    );
    return row ? SERVICE_CHARGES.decode(row) : null;
  }

  /** The charges of those references that have one (any order). */
  async findByReferences(references: string[]): Promise<ServiceChargeRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${SERVICE_CHARGES.select()} FROM service_charges WHERE reference = ANY($1::text[])`,
      [references],
    );
    return SERVICE_CHARGES.decodeAll(rows);
  }

  /**
   * Inserts the charge unless its reference already has one, and returns when it was recorded (the
   * transaction's clock), or null when the reference was taken. A concurrent insert of the same
   * reference makes this wait for that transaction and then do nothing, so exactly one of any
   * number of racing requests is recorded, and the caller never sees a unique violation.
   */
  async insertUnlessRecorded(charge: Omit<ServiceChargeRecord, 'recordedAt'>): Promise<Date | null> {
    const row = await this.sql.one<{ recorded_at: Date }>(
      `INSERT INTO service_charges (id, reference, account_id, user_id, tenant_id, source, description,
         amount_minor, currency, balance_after_minor, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (reference) DO NOTHING
       RETURNING recorded_at`,
      [
        charge.id,
        charge.reference,
        charge.accountId,
        charge.userId,
        charge.tenantId,
        charge.source,
        charge.description,
        charge.amountMinor.toString(),
        charge.currency,
        charge.balanceAfterMinor.toString(),
        charge.occurredAt.toISOString(),
      ],
    );
    return row ? row.recorded_at : null;
  }
}
