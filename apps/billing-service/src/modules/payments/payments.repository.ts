import { Injectable } from '@nestjs/common';
import type { PaymentProviderKind, PaymentStatus } from '@cloudphone/contracts';
import { decodeColumn, findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { PaymentRecord, PaymentTransition } from './payment-record';

const PAYMENTS = new TableMap<PaymentRecord>('payments', {
  id: 'id',
  userId: 'user_id',
  tenantId: 'tenant_id',
  provider: 'provider',
  providerPaymentId: 'provider_payment_id',
  amountMinor: { column: 'amount_minor', decode: decodeColumn.bigint },
  chargedMinor: { column: 'charged_minor', decode: decodeColumn.bigint },
  currency: 'currency',
  status: 'status',
  couponCode: 'coupon_code',
  failureCode: 'failure_code',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  settledAt: 'settled_at',
});

/** The statuses after which a payment is settled (`settled_at` set); `failed` may still succeed. */
const SETTLED: readonly PaymentStatus[] = ['succeeded', 'canceled', 'expired'];

@Injectable()
export class PaymentsRepository {
  constructor(private readonly sql: SqlClient) {}

  async insert(
    payment: Pick<
      PaymentRecord,
      'id' | 'userId' | 'tenantId' | 'provider' | 'amountMinor' | 'chargedMinor' | 'currency' | 'couponCode'
    >,
  ): Promise<PaymentRecord> {
    const row = await this.sql.one<Record<string, unknown>>(
      `INSERT INTO payments (id, user_id, tenant_id, provider, amount_minor, charged_minor, currency, coupon_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING ${PAYMENTS.select()}`,
      [
        payment.id,
        payment.userId,
        payment.tenantId,
        payment.provider,
        payment.amountMinor.toString(),
        payment.chargedMinor.toString(),
        payment.currency,
        payment.couponCode,
      ],
    );
    if (!row) throw new Error(`Payment ${payment.id} was not returned by its insert`);
    return PAYMENTS.decode(row);
  }

  async findById(id: string): Promise<PaymentRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${PAYMENTS.select()} FROM payments WHERE id = $1`,
      [id],
    );
    return row ? PAYMENTS.decode(row) : null;
  }

  async findByProviderPaymentId(
    provider: PaymentProviderKind,
    providerPaymentId: string,
  ): Promise<PaymentRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${PAYMENTS.select()} FROM payments WHERE provider = $1 AND provider_payment_id = $2`,
      [provider, providerPaymentId],
    );
    return row ? PAYMENTS.decode(row) : null;
  }

  /** A page of payments: everyone's, or one owner's. */
  list(query: ListQuery, userId: string | undefined): Promise<Page<PaymentRecord>> {
    return findPage(
      this.sql,
      PAYMENTS,
      query,
      userId === undefined ? undefined : { where: 'user_id = $1', parameters: [userId] },
    );
  }

  /** Records the provider's id of a payment that had none yet; null when it already has one. */
  async setProviderPaymentId(id: string, providerPaymentId: string): Promise<PaymentRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `UPDATE payments SET provider_payment_id = $2, updated_at = now()
       WHERE id = $1 AND provider_payment_id IS NULL
       RETURNING ${PAYMENTS.select()}`,
      [id, providerPaymentId],
    );
    return row ? PAYMENTS.decode(row) : null;
  }

  /**
   * Moves a payment to `to` only if it is in one of `from` (the row is locked first, so racing
   * settlements of one payment apply one at a time and only the first of each move happens).
   * Returns the moved payment and the status it left, or null when it was in none of `from`.
   * NO KEY UPDATE, as the UPDATE itself takes: a FOR UPDATE would conflict with the key-share lock
   * each racing transaction's webhook-event row (its foreign key) holds, and deadlock them.
   */
  async transition(
    id: string,
    to: PaymentStatus,
    from: readonly PaymentStatus[],
    failureCode: string | null,
  ): Promise<PaymentTransition | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `WITH previous AS (SELECT id, status FROM payments WHERE id = $1 FOR NO KEY UPDATE)
       UPDATE payments p
       SET status = $2,
           failure_code = CASE WHEN $2 = 'succeeded' THEN NULL ELSE COALESCE($4, p.failure_code) END,
           settled_at = CASE WHEN $2 = ANY($5::text[]) THEN now() ELSE NULL END,
           updated_at = now()
       FROM previous
       WHERE p.id = previous.id AND previous.status = ANY($3::text[])
       RETURNING ${PAYMENTS.select('p')}, previous.status AS "previousStatus"`,
      [id, to, [...from], failureCode, [...SETTLED]],
    );
    if (!row) return null;
    const previousStatus = row.previousStatus as PaymentStatus;
    delete row.previousStatus;
    return { payment: PAYMENTS.decode(row), previousStatus };
  }

  /**
   * Open payments (pending, or failed and still payable) of `provider` created more than
   * `olderThanMinutes` ago, oldest first.
   */
  async findStale(
    provider: PaymentProviderKind,
    olderThanMinutes: number,
    limit: number,
  ): Promise<PaymentRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${PAYMENTS.select()} FROM payments
       WHERE status IN ('pending', 'failed') AND provider = $1
         AND created_at < now() - make_interval(mins => $2)
       ORDER BY created_at
       LIMIT $3`,
      [provider, olderThanMinutes, limit],
    );
    return PAYMENTS.decodeAll(rows);
  }

  /**
   * Records that a provider event is being acted on. False when its id was recorded before (a
   * replay or a resend): the caller then changes nothing. A racing insert of the same id waits for
   * the first transaction and, once it commits, is refused too.
   */
  async recordWebhookEvent(
    provider: PaymentProviderKind,
    eventId: string,
    type: string,
    paymentId: string | null,
  ): Promise<boolean> {
    const row = await this.sql.one<{ eventId: string }>(
      `INSERT INTO payment_webhook_events (provider, event_id, type, payment_id)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (provider, event_id) DO NOTHING
       RETURNING event_id AS "eventId"`,
      [provider, eventId, type, paymentId],
    );
    return row !== null;
  }
}
