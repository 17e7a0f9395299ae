import { Injectable } from '@nestjs/common';
import type { ProxyOfferItem, ProxyRentalEndReason } from '@cloudphone/contracts';
import { decodeColumn, findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { RentalRecord, RentalRequirements, RentalTerms } from './rental-record';

/** Rentals joined to their proxies (the "table" is the join, so findPage lists it as one). */
export const RENTALS = new TableMap<RentalRecord>('proxy_rentals r JOIN proxies p ON p.id = r.proxy_id', {
  id: 'r.id',
  proxyId: 'r.proxy_id',
  provider: 'r.provider',
  userId: 'r.user_id',
  tenantId: 'r.tenant_id',
  allocationId: 'r.allocation_id',
  startedAt: 'r.started_at',
  expiresAt: 'r.expires_at',
  endedAt: 'r.ended_at',
  endReason: 'r.end_reason',
  pricePerHourMicros: { column: 'r.price_per_hour_micros', decode: decodeColumn.bigint },
  pricePerGbMicros: { column: 'r.price_per_gb_micros', decode: decodeColumn.bigint },
  costPerHourMicros: { column: 'r.cost_per_hour_micros', decode: decodeColumn.bigint },
  costPerGbMicros: { column: 'r.cost_per_gb_micros', decode: decodeColumn.bigint },
  currency: 'r.currency',
  bytesUsed: { column: 'r.bytes_used', decode: decodeColumn.nullableBigint },
  chargedMinor: { column: 'r.charged_minor', decode: decodeColumn.nullableBigint },
  usageReportedAt: 'r.usage_reported_at',
  host: 'p.host',
  port: 'p.port',
  protocol: 'p.protocol',
  countryCode: 'p.country_code',
  city: 'p.city',
  type: 'p.proxy_type',
  usernameEncrypted: 'p.username_encrypted',
  passwordEncrypted: 'p.password_encrypted',
  externalId: 'p.external_id',
});

const FROM = RENTALS.table;

/** A renter's rate: the proxy's cost plus the markup ($n), rounded up so it is never below cost. */
function renterRateSql(costColumn: string, markupParameter: string): string {
  return `((${costColumn} * (100 + ${markupParameter}::int) + 99) / 100)`;
}

/** A proxy a new renter may get: free, not in quarantine, of an enabled provider. */
const RENTABLE = `p.status = 'available' AND (p.quarantined_until IS NULL OR p.quarantined_until <= now())
  AND EXISTS (SELECT 1 FROM proxy_providers pp WHERE pp.name = p.provider AND pp.enabled)`;

@Injectable()
export class RentalsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Claims the best free proxy matching the requirements and opens the rental, in one statement:
   * the candidate is locked with SKIP LOCKED (concurrent acquires take different proxies instead
   * of queueing on one), its status flips only if it is still available, and the partial unique
   * index `proxy_rentals_one_renter_per_proxy` refuses a second live rental of one proxy whatever
   * happens above. Best: quality score, then the provider's rank, then the cheaper.
   */
  async acquire(requirements: RentalRequirements, terms: RentalTerms): Promise<RentalRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `WITH candidate AS (
         SELECT p.id FROM proxies p
         LEFT JOIN proxy_providers pp ON pp.name = p.provider
         WHERE ${RENTABLE} AND p.country_code = $1
           AND ($2::text IS NULL OR p.proxy_type = $2) AND ($3::text IS NULL OR p.protocol = $3)
           AND ($4::text IS NULL OR p.city = $4)
         ORDER BY p.quality_score DESC, pp.rank ASC NULLS LAST, p.cost_per_hour_micros, p.id
         LIMIT 1
         FOR UPDATE OF p SKIP LOCKED),
       claimed AS (
         UPDATE proxies p SET status = 'assigned', updated_at = now()
         FROM candidate WHERE p.id = candidate.id AND p.status = 'available'
         RETURNING p.*),
       r AS (
         INSERT INTO proxy_rentals (proxy_id, provider, user_id, tenant_id, allocation_id, expires_at,
                                    price_per_hour_micros, price_per_gb_micros, cost_per_hour_micros,
                                    cost_per_gb_micros, currency)
         SELECT id, provider, $5, $6, $7, now() + make_interval(mins => $8::int),
                ${renterRateSql('cost_per_hour_micros', '$9')}, ${renterRateSql('cost_per_gb_micros', '$9')},
                cost_per_hour_micros, cost_per_gb_micros, $10
         FROM claimed
         RETURNING *)
       SELECT ${RENTALS.select()} FROM r JOIN claimed p ON p.id = r.proxy_id`,
      [
        requirements.countryCode,
        requirements.type,
        requirements.protocol,
        requirements.city,
        terms.userId,
        terms.tenantId,
        terms.allocationId,
        terms.stickyMinutes,
        terms.markupPercent,
        terms.currency,
      ],
    );
    return row ? RENTALS.decode(row) : null;
  }

  async findById(id: string): Promise<RentalRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `SELECT ${RENTALS.select()} FROM ${FROM} WHERE r.id = $1`,
      [id],
    );
    return row ? RENTALS.decode(row) : null;
  }

  /** A user's rentals (or everyone's when `userId` is undefined), newest first by default. */
  history(query: ListQuery, userId: string | undefined): Promise<Page<RentalRecord>> {
    return findPage(
      this.sql,
      RENTALS,
      query,
      userId === undefined ? undefined : { where: 'r.user_id = $1', parameters: [userId] },
    );
  }

  /**
   * Keeps a live, unexpired rental's exit until at least `minutes` from now (a renewal repeated
   * is a no-op, never a longer hold). Null when the rental is not live any more.
   */
  async renew(id: string, minutes: number): Promise<RentalRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `WITH r AS (
         UPDATE proxy_rentals SET expires_at = greatest(expires_at, now() + make_interval(mins => $2::int))
         WHERE id = $1 AND ended_at IS NULL AND expires_at > now()
         RETURNING *)
       SELECT ${RENTALS.select()} FROM r JOIN proxies p ON p.id = r.proxy_id`,
      [id, minutes],
    );
    return row ? RENTALS.decode(row) : null;
  }

  /**
   * Ends the live rentals `where` selects (at most `limit`) and frees their proxies, in one
   * statement; answers the rentals it ended, so a rental ended twice concurrently is answered (and
   * announced) once. Locks go rental, then proxy, in every statement that takes both, so two
   * endings never deadlock. `skipLocked` (the expiry job) passes over rentals another transaction
   * holds instead of waiting for them; everything else waits, so a renewal in flight cannot make a
   * release miss its rental.
   */
  private async end(
    where: string,
    parameters: unknown[],
    reason: ProxyRentalEndReason,
    limit: number,
    skipLocked = false,
  ): Promise<RentalRecord[]> {
    const next = parameters.length;
    const rows = await this.sql.rows<Record<string, unknown>>(
      `WITH target AS (
         SELECT id FROM proxy_rentals WHERE ended_at IS NULL AND (${where})
         ORDER BY expires_at LIMIT $${next + 2} FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}),
       r AS (
         UPDATE proxy_rentals pr SET ended_at = greatest(now(), pr.started_at), end_reason = $${next + 1}
         FROM target WHERE pr.id = target.id
         RETURNING pr.*),
       freed AS (
         UPDATE proxies p SET status = 'available', updated_at = now()
         FROM r WHERE p.id = r.proxy_id AND p.status = 'assigned'
         RETURNING p.id)
       -- freed runs whether or not it is read; proxies p here is the snapshot before it (host, port).
       SELECT ${RENTALS.select()} FROM r JOIN proxies p ON p.id = r.proxy_id`,
      [...parameters, reason, limit],
    );
    return RENTALS.decodeAll(rows);
  }

  endOne(id: string, reason: ProxyRentalEndReason): Promise<RentalRecord[]> {
    return this.end('id = $1', [id], reason, 1);
  }

  endForProxy(proxyId: string, reason: ProxyRentalEndReason): Promise<RentalRecord[]> {
    return this.end('proxy_id = $1', [proxyId], reason, 1);
  }

  endForAllocation(
    allocationId: string,
    reason: ProxyRentalEndReason,
    limit: number,
  ): Promise<RentalRecord[]> {
    return this.end('allocation_id = $1', [allocationId], reason, limit);
  }

  endForUser(userId: string, reason: ProxyRentalEndReason, limit: number): Promise<RentalRecord[]> {
    return this.end('user_id = $1', [userId], reason, limit);
  }

  endExpired(limit: number): Promise<RentalRecord[]> {
    return this.end('expires_at <= now()', [], 'expired', limit, true);
  }

  /** Live rentals bound to allocations, with their users (orphan-proxy-cleanup), oldest first. */
  liveBound(
    limit: number,
    olderThanSeconds: number,
  ): Promise<Array<{ id: string; userId: string; allocationId: string }>> {
    return this.sql.rows(
      `SELECT id, user_id AS "userId", allocation_id AS "allocationId" FROM proxy_rentals
       WHERE ended_at IS NULL AND allocation_id IS NOT NULL AND started_at < now() - $2 * interval '1 second'
       ORDER BY started_at LIMIT $1`,
      [limit, olderThanSeconds],
    );
  }

  /** Users with live rentals (orphan-proxy-cleanup asks user-service whether they still exist). */
  liveUsers(limit: number, olderThanSeconds: number): Promise<string[]> {
    return this.sql
      .rows<{ userId: string }>(
        `SELECT DISTINCT user_id AS "userId" FROM proxy_rentals
         WHERE ended_at IS NULL AND started_at < now() - $2 * interval '1 second'
         ORDER BY 1 LIMIT $1`,
        [limit, olderThanSeconds],
      )
      .then((rows) => rows.map((row) => row.userId));
  }

  /** Countries and types on offer, with the renter's price range (`free`: only proxies rentable now). */
  offers(free: boolean, markupPercent: number, currency: string): Promise<ProxyOfferItem[]> {
    return this.sql.rows(
      `SELECT p.country_code AS "countryCode", p.proxy_type AS type, count(*)::int AS count,
              min(${renterRateSql('p.cost_per_hour_micros', '$2')})::text AS "minPricePerHourMicros",
              max(${renterRateSql('p.cost_per_hour_micros', '$2')})::text AS "maxPricePerHourMicros",
              min(${renterRateSql('p.cost_per_gb_micros', '$2')})::text AS "minPricePerGbMicros",
              max(${renterRateSql('p.cost_per_gb_micros', '$2')})::text AS "maxPricePerGbMicros",
              $3::text AS currency
       FROM proxies p
       WHERE CASE WHEN $1 THEN ${RENTABLE} ELSE p.status <> 'retired' END
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [free, markupPercent, currency],
    );
  }

  countLive(): Promise<number> {
    return this.sql
      .one<{ count: number }>(`SELECT count(*)::int AS count FROM proxy_rentals WHERE ended_at IS NULL`)
      .then((row) => row?.count ?? 0);
  }
}
