import { Injectable } from '@nestjs/common';
import type { CouponRedemptionStatus } from '@cloudphone/contracts';
import { decodeColumn, SqlClient, TableMap } from '@cloudphone/shared';
import type { CouponRedemptionRecord } from './coupon-record';

const REDEMPTIONS = new TableMap<CouponRedemptionRecord>('coupon_redemptions', {
  id: 'id',
  couponId: 'coupon_id',
  userId: 'user_id',
  reference: 'reference',
  amountMinor: { column: 'amount_minor', decode: decodeColumn.bigint },
  discountMinor: { column: 'discount_minor', decode: decodeColumn.bigint },
  currency: 'currency',
  status: 'status',
  reservedAt: 'reserved_at',
  confirmedAt: 'confirmed_at',
  releasedAt: 'released_at',
});

@Injectable()
export class CouponRedemptionsRepository {
  constructor(private readonly sql: SqlClient) {}

  async findByReference(reference: string): Promise<CouponRedemptionRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${REDEMPTIONS.select()} FROM coupon_redemptions WHERE reference = $1`,
      [reference],
    );
    return row ? REDEMPTIONS.decode(row) : null;
  }

  /** The user's uses of the coupon that still count (reserved or confirmed). */
  async countCountingUses(couponId: string, userId: string): Promise<number> {
    const row = await this.sql.one<{ count: number }>(
      `SELECT count(*)::int AS count FROM coupon_redemptions
       WHERE coupon_id = $1 AND user_id = $2 AND status <> 'released'`,
      [couponId, userId],
    );
    return row?.count ?? 0;
  }

  /** A coupon's redemptions by status (every status present, 0 when none). */
  async countByStatus(couponId: string): Promise<Record<CouponRedemptionStatus, number>> {
    const rows = await this.sql.rows<{ status: CouponRedemptionStatus; count: number }>(
      `SELECT status, count(*)::int AS count FROM coupon_redemptions WHERE coupon_id = $1 GROUP BY status`,
      [couponId],
    );
    const counts: Record<CouponRedemptionStatus, number> = { reserved: 0, confirmed: 0, released: 0 };
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }

  /**
   * Inserts a reservation unless its reference already has a redemption (then false). A concurrent
   * insert of the same reference makes this wait for that transaction, then do nothing.
   */
  async insertUnlessExists(
    redemption: Pick<
      CouponRedemptionRecord,
      'couponId' | 'userId' | 'reference' | 'amountMinor' | 'discountMinor' | 'currency'
    >,
  ): Promise<boolean> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO coupon_redemptions (coupon_id, user_id, reference, amount_minor, discount_minor, currency)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (reference) DO NOTHING
       RETURNING id`,
      [
        redemption.couponId,
        redemption.userId,
        redemption.reference,
        redemption.amountMinor.toString(),
        redemption.discountMinor.toString(),
        redemption.currency,
      ],
    );
    return row !== null;
  }

  /** reserved → confirmed; null unless the redemption was reserved (the row lock orders racers). */
  async confirmReserved(reference: string): Promise<CouponRedemptionRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `UPDATE coupon_redemptions SET status = 'confirmed', confirmed_at = now()
       WHERE reference = $1 AND status = 'reserved'
       RETURNING ${REDEMPTIONS.select()}`,
      [reference],
    );
    return row ? REDEMPTIONS.decode(row) : null;
  }

  /** released → confirmed, for a payment that succeeded after its use was released. */
  async confirmReleased(reference: string): Promise<boolean> {
    const row = await this.sql.one<{ id: string }>(
      `UPDATE coupon_redemptions SET status = 'confirmed', confirmed_at = now(), released_at = NULL
       WHERE reference = $1 AND status = 'released'
       RETURNING id`,
      [reference],
    );
    return row !== null;
  }

  /**
   * reserved → released and the coupon's count down by one, in one statement: the conditional
   * UPDATE on the redemption's status lets exactly one of any number of racing releases (or a
   * release racing a confirm) through, so a use is freed at most once. Null when nothing was
   * reserved under that reference.
   */
  async releaseReserved(reference: string): Promise<CouponRedemptionRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `WITH released AS (
         UPDATE coupon_redemptions SET status = 'released', released_at = now()
         WHERE reference = $1 AND status = 'reserved'
         RETURNING ${REDEMPTIONS.select()}
       ), freed AS (
         UPDATE coupons c SET redeemed_count = c.redeemed_count - 1, updated_at = now()
         FROM released WHERE c.id = released."couponId"
         RETURNING c.id
       )
       SELECT released.* FROM released JOIN freed ON freed.id = released."couponId"`,
      [reference],
    );
    return row ? REDEMPTIONS.decode(row) : null;
  }

  /** Redemptions still reserved after `olderThanSeconds`: how many, and the oldest few references. */
  async findStaleReservations(
    olderThanSeconds: number,
    sample: number,
  ): Promise<{ count: number; references: string[] }> {
    const row = await this.sql.one<{ count: number; references: string[] | null }>(
      `SELECT count(*)::int AS count,
              (array_agg(reference ORDER BY reserved_at))[1:$2] AS "references"
       FROM coupon_redemptions
       WHERE status = 'reserved' AND reserved_at < now() - make_interval(secs => $1)`,
      [olderThanSeconds, sample],
    );
    return { count: row?.count ?? 0, references: row?.references ?? [] };
  }
}
