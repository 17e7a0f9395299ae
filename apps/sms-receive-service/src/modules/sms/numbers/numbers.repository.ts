import { Injectable } from '@nestjs/common';
import type { SmsNumberEndReason } from '@cloudphone/contracts';
import { decodeColumn, findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { NewSmsNumber, NumberHolder, SmsNumberRecord } from './sms-number-record';

export const SMS_NUMBERS = new TableMap<SmsNumberRecord>('sms_numbers', {
  id: 'id',
  provider: 'provider',
  activationId: 'activation_id',
  phoneNumber: 'phone_number',
  countryCode: 'country_code',
  service: 'service',
  status: 'status',
  userId: 'user_id',
  tenantId: 'tenant_id',
  allocationId: 'allocation_id',
  costMinor: { column: 'cost_minor', decode: decodeColumn.bigint },
  costCurrency: 'cost_currency',
  priceMinor: { column: 'price_minor', decode: decodeColumn.bigint },
  currency: 'currency',
  expiresAt: 'expires_at',
  assignedAt: 'assigned_at',
  code: 'code',
  codeReceivedAt: 'code_received_at',
  endedAt: 'ended_at',
  endReason: 'end_reason',
  chargedAt: 'charged_at',
  providerSettledAt: 'provider_settled_at',
  lastPolledAt: 'last_polled_at',
  createdAt: 'created_at',
});

const RETURNING = `RETURNING ${SMS_NUMBERS.select()}`;

/** Neither the number nor its provider is blocked now (blacklist-maintenance), given their SQL. */
function notBlocked(phoneNumber: string, provider: string): string {
  return `NOT EXISTS (SELECT 1 FROM sms_blacklist b WHERE b.blocked_until > now()
    AND ((b.kind = 'number' AND b.subject = ${phoneNumber}) OR (b.kind = 'provider' AND b.subject = ${provider})))`;
}

@Injectable()
export class NumbersRepository {
  constructor(private readonly sql: SqlClient) {}

  async findById(id: string): Promise<SmsNumberRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${SMS_NUMBERS.select()} FROM sms_numbers WHERE id = $1`,
      [id],
    );
    return row ? SMS_NUMBERS.decode(row) : null;
  }

  list(query: ListQuery, userId: string | undefined): Promise<Page<SmsNumberRecord>> {
    return findPage(
      this.sql,
      SMS_NUMBERS,
      query,
      userId === undefined ? undefined : { where: 'user_id = $1', parameters: [userId] },
    );
  }

  /**
   * Hands a number of the warm pool to a user, in one statement: the soonest-expiring pooled number
   * of the pair with at least `minRemainingSeconds` left, of a provider still enabled, not blocked,
   * locked with SKIP LOCKED so concurrent rents take different numbers. Null when the pool has none.
   */
  async claimPooled(
    service: string,
    countryCode: string,
    minRemainingSeconds: number,
    holder: NumberHolder,
  ): Promise<SmsNumberRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `UPDATE sms_numbers SET status = 'waiting', user_id = $4, tenant_id = $5, allocation_id = $6, price_minor = $7,
              currency = $8, assigned_at = now(), updated_at = now()
       WHERE id = (
         SELECT n.id FROM sms_numbers n JOIN sms_providers p ON p.name = n.provider AND p.enabled
         WHERE n.status = 'pooled' AND n.service = $1 AND n.country_code = $2
           AND n.expires_at > now() + $3 * interval '1 second' AND ${notBlocked('n.phone_number', 'n.provider')}
         ORDER BY n.expires_at LIMIT 1 FOR UPDATE OF n SKIP LOCKED)
       ${RETURNING}`,
      [
        service,
        countryCode,
        minRemainingSeconds,
        holder.userId,
        holder.tenantId,
        holder.allocationId,
        holder.priceMinor.toString(),
        holder.currency,
      ],
    );
    return row ? SMS_NUMBERS.decode(row) : null;
  }

  /**
   * Stores a number a provider just rented us, for a holder or (without one) for the pool. Null
   * when the number is held here already (the provider recycled it before we saw it end): the
   * caller gives it back.
   */
  async insert(
    number: NewSmsNumber,
    holder: NumberHolder | null,
    poolPriceCurrency: string,
  ): Promise<SmsNumberRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `INSERT INTO sms_numbers (provider, activation_id, phone_number, country_code, service, status, user_id, tenant_id,
                                allocation_id, cost_minor, cost_currency, price_minor, currency, expires_at, assigned_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, CASE WHEN $7::uuid IS NULL THEN NULL ELSE now() END)
       ON CONFLICT DO NOTHING
       ${RETURNING}`,
      [
        number.provider,
        number.activationId,
        number.phoneNumber,
        number.countryCode,
        number.service,
        holder ? 'waiting' : 'pooled',
        holder?.userId ?? null,
        holder?.tenantId ?? null,
        holder?.allocationId ?? null,
        number.costMinor.toString(),
        number.costCurrency,
        (holder?.priceMinor ?? 0n).toString(),
        holder?.currency ?? poolPriceCurrency,
        number.expiresAt,
      ],
    );
    return row ? SMS_NUMBERS.decode(row) : null;
  }

  /** Whether the blacklist blocks this number or its provider now. */
  async isBlocked(provider: string, phoneNumber: string): Promise<boolean> {
    const row = await this.sql.one<{ blocked: boolean }>(`SELECT NOT ${notBlocked('$2', '$1')} AS blocked`, [
      provider,
      phoneNumber,
    ]);
    return row?.blocked ?? false;
  }

  /**
   * Ends the live numbers `where` selects, in one conditional statement: one that got its code is
   * finished (it was paid), one that did not is `unused` (cancelled or expired: never charged).
   * Answers the numbers it ended, so an end raced by another is answered once.
   */
  async end(
    where: string,
    parameters: unknown[],
    unused: 'cancelled' | 'expired',
    reason: SmsNumberEndReason,
    limit: number,
  ): Promise<SmsNumberRecord[]> {
    const next = parameters.length;
    const rows = await this.sql.rows<Record<string, unknown>>(
      `UPDATE sms_numbers SET status = CASE WHEN status = 'received' THEN 'finished' ELSE $${next + 1} END,
              end_reason = CASE WHEN status = 'received' THEN 'finished' ELSE $${next + 2} END,
              ended_at = now(), updated_at = now()
       WHERE id IN (
         SELECT id FROM sms_numbers WHERE status IN ('pooled', 'waiting', 'received') AND (${where})
         ORDER BY expires_at LIMIT $${next + 3} FOR UPDATE SKIP LOCKED)
       ${RETURNING}`,
      [...parameters, unused, reason, limit],
    );
    return SMS_NUMBERS.decodeAll(rows);
  }

  /**
   * Ended numbers the provider was not told about yet (its refund or payment), fewest attempts
   * first, then oldest; those tried `maxAttempts` times are left to an operator.
   */
  async unsettled(limit: number, maxAttempts: number): Promise<SmsNumberRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${SMS_NUMBERS.select()} FROM sms_numbers
       WHERE ended_at IS NOT NULL AND provider_settled_at IS NULL AND provider_settle_attempts < $2
       ORDER BY provider_settle_attempts, ended_at LIMIT $1`,
      [limit, maxAttempts],
    );
    return SMS_NUMBERS.decodeAll(rows);
  }

  async markSettled(id: string): Promise<void> {
    await this.sql.rows(
      `UPDATE sms_numbers SET provider_settled_at = now() WHERE id = $1 AND provider_settled_at IS NULL`,
      [id],
    );
  }

  /** Counts a failed attempt to tell the provider; answers the attempts so far. */
  async markSettleFailed(id: string): Promise<number> {
    const row = await this.sql.one<{ attempts: number }>(
      `UPDATE sms_numbers SET provider_settle_attempts = provider_settle_attempts + 1 WHERE id = $1
       RETURNING provider_settle_attempts AS attempts`,
      [id],
    );
    return row?.attempts ?? 0;
  }
}
