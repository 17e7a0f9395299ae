import { Injectable } from '@nestjs/common';
import { decodeColumn, findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { CouponRecord, NewCoupon } from './coupon-record';

const COUPONS = new TableMap<CouponRecord>('coupons', {
  id: 'id',
  code: 'code',
  kind: 'kind',
  percentBp: 'percent_bp',
  amountMinor: { column: 'amount_minor', decode: decodeColumn.nullableBigint },
  currency: 'currency',
  maxRedemptions: 'max_redemptions',
  perUserLimit: 'per_user_limit',
  minAmountMinor: { column: 'min_amount_minor', decode: decodeColumn.bigint },
  startsAt: 'starts_at',
  expiresAt: 'expires_at',
  status: 'status',
  redeemedCount: 'redeemed_count',
  createdBy: 'created_by',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/** A coupon as read in a transaction, with that transaction's clock (what its window is judged by). */
export interface CouponAt {
  coupon: CouponRecord;
  /** `now()`: the transaction's start, the same instant every statement of it sees. */
  now: Date;
}

@Injectable()
export class CouponsRepository {
  constructor(private readonly sql: SqlClient) {}

  list(query: ListQuery): Promise<Page<CouponRecord>> {
    return findPage(this.sql, COUPONS, query);
  }

  async findById(id: string): Promise<CouponRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${COUPONS.select()} FROM coupons WHERE id = $1`,
      [id],
    );
    return row ? COUPONS.decode(row) : null;
  }

  /** The coupon of an (upper-case) code, without locking it: for the read-only validation. */
  async findByCode(code: string): Promise<CouponAt | null> {
    return this.couponAt(
      await this.sql.one<Record<string, unknown>>(
        `SELECT ${COUPONS.select()}, now() AS "databaseNow" FROM coupons WHERE code = $1`,
        [code],
      ),
    );
  }

  /**
   * The coupon of an (upper-case) code, locked for the rest of the transaction. Every reservation of
   * a coupon takes this lock first, so reservations of one coupon run one after another and each
   * sees the counts the previous one committed: that is what makes the limits exact.
   */
  async lockByCode(code: string): Promise<CouponAt | null> {
    return this.couponAt(
      await this.sql.one<Record<string, unknown>>(
        `SELECT ${COUPONS.select()}, now() AS "databaseNow" FROM coupons WHERE code = $1 FOR UPDATE`,
        [code],
      ),
    );
  }

  async lockById(id: string): Promise<CouponAt | null> {
    return this.couponAt(
      await this.sql.one<Record<string, unknown>>(
        `SELECT ${COUPONS.select()}, now() AS "databaseNow" FROM coupons WHERE id = $1 FOR UPDATE`,
        [id],
      ),
    );
  }

  /**
   * Inserts the coupon unless its code is taken (then null; never a unique violation). Without a
   * start it starts at the database's now(), or just before its expiry should the database's clock
   * be ahead of the one the service checked the expiry against (so the window CHECK always holds).
   */
  async insert(coupon: NewCoupon): Promise<CouponRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `INSERT INTO coupons (code, kind, percent_bp, amount_minor, currency, max_redemptions, per_user_limit,
         min_amount_minor, starts_at, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
         COALESCE($9::timestamptz, LEAST(now(), $10::timestamptz - interval '1 millisecond')), $10, $11)
       ON CONFLICT (code) DO NOTHING
       RETURNING ${COUPONS.select()}`,
      [
        coupon.code,
        coupon.kind,
        coupon.percentBp,
        coupon.amountMinor === null ? null : coupon.amountMinor.toString(),
        coupon.currency,
        coupon.maxRedemptions,
        coupon.perUserLimit,
        coupon.minAmountMinor.toString(),
        coupon.startsAt,
        coupon.expiresAt,
        coupon.createdBy,
      ],
    );
    return row ? COUPONS.decode(row) : null;
  }

  /** Writes every settable column of a coupon the caller has locked and checked. */
  async update(coupon: CouponRecord): Promise<CouponRecord> {
    const row = await this.sql.one<Record<string, unknown>>(
      `UPDATE coupons SET status = $2, max_redemptions = $3, per_user_limit = $4, min_amount_minor = $5,
         starts_at = $6, expires_at = $7, updated_at = now()
       WHERE id = $1
       RETURNING ${COUPONS.select()}`,
      [
        coupon.id,
        coupon.status,
        coupon.maxRedemptions,
        coupon.perUserLimit,
        coupon.minAmountMinor.toString(),
        coupon.startsAt,
        coupon.expiresAt,
      ],
    );
    if (!row) throw new Error(`Coupon ${coupon.id} vanished while locked`);
    return COUPONS.decode(row);
  }

  /**
   * Takes one use: the count goes up only if the coupon is active, inside its window and below its
   * limit, in one statement (the CHECK on the table backs the limit). Returns the new count, or
   * null if the coupon did not qualify.
   */
  async claimUse(couponId: string): Promise<number | null> {
    const row = await this.sql.one<{ redeemed_count: number }>(
      `UPDATE coupons SET redeemed_count = redeemed_count + 1, updated_at = now()
       WHERE id = $1 AND status = 'active'
         AND (max_redemptions IS NULL OR redeemed_count < max_redemptions)
         AND starts_at <= now() AND (expires_at IS NULL OR expires_at > now())
       RETURNING redeemed_count`,
      [couponId],
    );
    return row ? row.redeemed_count : null;
  }

  /**
   * Takes back a use for a released redemption whose payment succeeded after all: only the limit
   * applies (the payment was made while the coupon was valid). Null if the coupon is used up.
   */
  async reclaimUse(couponId: string): Promise<number | null> {
    const row = await this.sql.one<{ redeemed_count: number }>(
      `UPDATE coupons SET redeemed_count = redeemed_count + 1, updated_at = now()
       WHERE id = $1 AND (max_redemptions IS NULL OR redeemed_count < max_redemptions)
       RETURNING redeemed_count`,
      [couponId],
    );
    return row ? row.redeemed_count : null;
  }

  /** Marks every active coupon whose expiry has passed `expired`, in one statement. */
  expirePastDue(): Promise<Array<{ id: string; code: string }>> {
    return this.sql.rows(
      `UPDATE coupons SET status = 'expired', updated_at = now()
       WHERE status = 'active' AND expires_at <= now()
       RETURNING id, code`,
    );
  }

  private couponAt(row: Record<string, unknown> | null): CouponAt | null {
    if (!row) return null;
    const { databaseNow, ...columns } = row;
    return { coupon: COUPONS.decode(columns), now: databaseNow as Date };
  }
}
