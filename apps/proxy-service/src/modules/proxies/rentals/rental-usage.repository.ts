import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import type { RentalRecord } from './rental-record';
import { RENTALS } from './rentals.repository';

/** The charge of one ended rental, as proxy-usage-report computed it. */
export interface RentalCharge {
  rentalId: string;
  bytesUsed: bigint | null;
  chargedMinor: bigint;
}

/** Ended rentals on their way to billing. */
@Injectable()
export class RentalUsageRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Ended rentals not reported yet, oldest first. */
  async unreported(limit: number): Promise<RentalRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${RENTALS.select()} FROM ${RENTALS.table}
       WHERE r.ended_at IS NOT NULL AND r.usage_reported_at IS NULL
       ORDER BY r.ended_at LIMIT $1`,
      [limit],
    );
    return RENTALS.decodeAll(rows);
  }

  /**
   * Records the charges of rentals still unreported and answers the ids it marked: the caller
   * writes billing messages for exactly those, in the same transaction, so a rental is reported
   * once however many runs overlap.
   */
  async markReported(charges: RentalCharge[]): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `UPDATE proxy_rentals r SET usage_reported_at = now(), bytes_used = c.bytes, charged_minor = c.charged
       FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS c(id, bytes, charged)
       WHERE r.id = c.id AND r.usage_reported_at IS NULL AND r.ended_at IS NOT NULL
       RETURNING r.id`,
      [
        charges.map((charge) => charge.rentalId),
        charges.map((charge) => charge.bytesUsed?.toString() ?? null),
        charges.map((charge) => charge.chargedMinor.toString()),
      ],
    );
    return rows.map((row) => row.id);
  }
}
