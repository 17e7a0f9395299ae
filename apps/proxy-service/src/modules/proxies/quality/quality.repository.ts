import { Injectable } from '@nestjs/common';
import type { ProxyProtocol, ProxyProviderKind } from '@cloudphone/contracts';
import { SqlClient } from '@cloudphone/shared';
import type { ProbeWindow } from './quality-score';

/** A proxy due for a probe, with what probing it needs. */
export interface ProbeTarget {
  id: string;
  provider: string;
  providerKind: ProxyProviderKind;
  host: string;
  port: number;
  protocol: ProxyProtocol;
  externalId: string | null;
  usernameEncrypted: string | null;
  passwordEncrypted: string | null;
}

/** What a probe did to its proxy. */
export interface ProbeOutcome {
  consecutiveFailures: number;
  quarantinedUntil: Date | null;
  /** The probe put the proxy in quarantine (it was not before). */
  quarantinedNow: boolean;
}

const TARGET_COLUMNS = `p.id, p.provider, pp.kind AS "providerKind", p.host, p.port, p.protocol,
  p.external_id AS "externalId", p.username_encrypted AS "usernameEncrypted",
  p.password_encrypted AS "passwordEncrypted"`;

@Injectable()
export class QualityRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Proxies that are not retired, least recently probed first. */
  dueForProbe(limit: number): Promise<ProbeTarget[]> {
    return this.sql.rows(
      `SELECT ${TARGET_COLUMNS} FROM proxies p JOIN proxy_providers pp ON pp.name = p.provider
       WHERE p.status <> 'retired' ORDER BY p.last_probe_at NULLS FIRST, p.id LIMIT $1`,
      [limit],
    );
  }

  findTarget(id: string): Promise<ProbeTarget | null> {
    return this.sql.one(
      `SELECT ${TARGET_COLUMNS} FROM proxies p JOIN proxy_providers pp ON pp.name = p.provider WHERE p.id = $1`,
      [id],
    );
  }

  /**
   * Records a probe and its effect in one statement: the probe row, the proxy's last probe, its run
   * of failures, and quarantine once the run reaches `threshold` (a success lifts it: the proxy
   * proved it works). Null when the proxy no longer exists.
   */
  async recordProbe(
    proxyId: string,
    result: { ok: boolean; latencyMs: number; error: string | null },
    threshold: number,
    quarantineMinutes: number,
  ): Promise<ProbeOutcome | null> {
    return this.sql.one<ProbeOutcome>(
      `WITH before AS (SELECT id, quarantined_until FROM proxies WHERE id = $1),
       probe AS (
         INSERT INTO proxy_probes (proxy_id, ok, latency_ms, error)
         SELECT id, $2, $3, $4 FROM before RETURNING proxy_id),
       updated AS (
         UPDATE proxies p SET last_probe_at = now(), last_probe_ok = $2, last_latency_ms = $3,
                consecutive_failures = CASE WHEN $2 THEN 0 ELSE p.consecutive_failures + 1 END,
                quarantined_until = CASE
                  WHEN $2 THEN NULL
                  WHEN p.consecutive_failures + 1 >= $5 AND (p.quarantined_until IS NULL OR p.quarantined_until <= now())
                    THEN now() + make_interval(mins => $6::int)
                  ELSE p.quarantined_until END
         FROM probe WHERE p.id = probe.proxy_id
         RETURNING p.consecutive_failures, p.quarantined_until)
       SELECT updated.consecutive_failures AS "consecutiveFailures", updated.quarantined_until AS "quarantinedUntil",
              (updated.quarantined_until > now() AND (before.quarantined_until IS NULL OR before.quarantined_until <= now()))
                AS "quarantinedNow"
       FROM updated, before`,
      [
        proxyId,
        result.ok,
        result.latencyMs,
        result.error?.slice(0, 300) ?? null,
        threshold,
        quarantineMinutes,
      ],
    );
  }

  /** Each proxy's probes in the last `windowHours` (proxies without probes there are left out). */
  probeWindows(windowHours: number): Promise<Array<ProbeWindow & { proxyId: string }>> {
    return this.sql.rows(
      `SELECT proxy_id AS "proxyId", count(*)::int AS probes, count(*) FILTER (WHERE ok)::int AS successes,
              avg(latency_ms) FILTER (WHERE ok)::float8 AS "averageLatencyMs"
       FROM proxy_probes WHERE probed_at > now() - $1 * interval '1 hour' GROUP BY proxy_id`,
      [windowHours],
    );
  }

  /** Stores proxies' scores, then each provider's as the average of its proxies that are not retired. */
  async storeScores(scores: Array<{ proxyId: string; score: number }>): Promise<void> {
    await this.sql.rows(
      `UPDATE proxies p SET quality_score = s.score
       FROM unnest($1::uuid[], $2::smallint[]) AS s(id, score)
       WHERE p.id = s.id AND p.quality_score <> s.score`,
      [scores.map((entry) => entry.proxyId), scores.map((entry) => entry.score)],
    );
    await this.sql.rows(
      `UPDATE proxy_providers pp SET quality_score = s.score
       FROM (SELECT provider, round(avg(quality_score))::smallint AS score FROM proxies
             WHERE status <> 'retired' GROUP BY provider) s
       WHERE pp.name = s.provider AND pp.quality_score <> s.score`,
    );
  }

  /** Deletes probes older than the scoring window, in batches; answers how many went. */
  async trimProbes(retentionHours: number, batch: number): Promise<number> {
    const rows = await this.sql.rows<{ id: string }>(
      `DELETE FROM proxy_probes WHERE id IN (
         SELECT id FROM proxy_probes WHERE probed_at < now() - $1 * interval '1 hour' LIMIT $2)
       RETURNING id`,
      [retentionHours, batch],
    );
    return rows.length;
  }
}
