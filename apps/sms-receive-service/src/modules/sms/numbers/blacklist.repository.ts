import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';

@Injectable()
export class BlacklistRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Blocks numbers that expired without a code `failures` times in `days` days; answers those newly blocked. */
  async blockFailingNumbers(failures: number, days: number): Promise<string[]> {
    const rows = await this.sql.rows<{ subject: string }>(
      `INSERT INTO sms_blacklist (kind, subject, reason, blocked_until)
       SELECT 'number', phone_number, count(*) || ' numbers expired without a code', now() + $2 * interval '1 day'
       FROM sms_numbers
       WHERE status = 'expired' AND user_id IS NOT NULL AND ended_at > now() - $2 * interval '1 day'
       GROUP BY phone_number HAVING count(*) >= $1
       ON CONFLICT (kind, subject) DO UPDATE SET blocked_until = excluded.blocked_until, reason = excluded.reason
         WHERE sms_blacklist.blocked_until <= now()
       RETURNING subject`,
      [failures, days],
    );
    return rows.map((row) => row.subject);
  }

  /**
   * Blocks providers whose last `window` users' numbers (a full window of them, ended within the
   * last `minutes`) got a code less often than `minRate`; answers those newly blocked. Only numbers
   * of the last block period count, so a provider whose block ended starts with a clean slate.
   */
  async blockFailingProviders(window: number, minRate: number, minutes: number): Promise<string[]> {
    const rows = await this.sql.rows<{ subject: string }>(
      `INSERT INTO sms_blacklist (kind, subject, reason, blocked_until)
       SELECT 'provider', p.name, 'codes for ' || round(100 * r.rate) || ' % of its last ' || r.ended || ' numbers',
              now() + $3 * interval '1 minute'
       FROM sms_providers p
       CROSS JOIN LATERAL (
         SELECT avg((n.code IS NOT NULL)::int)::float8 AS rate, count(*)::int AS ended FROM (
           SELECT code FROM sms_numbers WHERE provider = p.name AND user_id IS NOT NULL
             AND ended_at > now() - $3 * interval '1 minute'
           ORDER BY ended_at DESC LIMIT $1) n) r
       WHERE r.ended >= $1 AND r.rate < $2
       ON CONFLICT (kind, subject) DO UPDATE SET blocked_until = excluded.blocked_until, reason = excluded.reason
         WHERE sms_blacklist.blocked_until <= now()
       RETURNING subject`,
      [window, minRate, minutes],
    );
    return rows.map((row) => row.subject);
  }

  /** Deletes blocks that ended; answers how many. */
  async liftExpired(): Promise<number> {
    return (await this.sql.rows(`DELETE FROM sms_blacklist WHERE blocked_until <= now() RETURNING kind`))
      .length;
  }

  countActive(): Promise<Array<{ kind: string; count: number }>> {
    return this.sql.rows(
      `SELECT kind, count(*)::int AS count FROM sms_blacklist WHERE blocked_until > now() GROUP BY kind`,
    );
  }
}
