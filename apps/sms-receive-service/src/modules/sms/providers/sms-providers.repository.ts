import { Injectable } from '@nestjs/common';
import type { SmsProviderKind } from '@cloudphone/contracts';
import { decodeColumn, SqlClient, TableMap } from '@cloudphone/shared';
import type { SmsProviderRecord } from './sms-provider-record';

/** The providers joined to their block (a provider's row of sms_blacklist), as one "table". */
const SMS_PROVIDERS = new TableMap<SmsProviderRecord>(
  `sms_providers p LEFT JOIN sms_blacklist b ON b.kind = 'provider' AND b.subject = p.name AND b.blocked_until > now()`,
  {
    id: 'p.id',
    name: 'p.name',
    kind: 'p.kind',
    enabled: 'p.enabled',
    apiUrl: 'p.api_url',
    apiKeyEncrypted: 'p.api_key_encrypted',
    healthy: 'p.healthy',
    consecutiveHealthFailures: 'p.consecutive_health_failures',
    lastHealthAt: 'p.last_health_at',
    lastHealthError: 'p.last_health_error',
    balanceMinor: { column: 'p.balance_minor', decode: decodeColumn.nullableBigint },
    balanceCurrency: 'p.balance_currency',
    blockedUntil: 'b.blocked_until',
    createdAt: 'p.created_at',
    updatedAt: 'p.updated_at',
  },
);
const SELECT = `SELECT ${SMS_PROVIDERS.select()} FROM ${SMS_PROVIDERS.table}`;

@Injectable()
export class SmsProvidersRepository {
  constructor(private readonly sql: SqlClient) {}

  async list(): Promise<SmsProviderRecord[]> {
    return SMS_PROVIDERS.decodeAll(await this.sql.rows(`${SELECT} ORDER BY p.name`));
  }

  /** Every provider by name: what a pass over many numbers looks their provider up in. */
  async byName(): Promise<Map<string, SmsProviderRecord>> {
    return new Map((await this.list()).map((provider) => [provider.name, provider]));
  }

  /** Providers a rent may use now: enabled, healthy and not blocked. */
  async usable(): Promise<SmsProviderRecord[]> {
    return SMS_PROVIDERS.decodeAll(
      await this.sql.rows(`${SELECT} WHERE p.enabled AND p.healthy AND b.subject IS NULL ORDER BY p.name`),
    );
  }

  async findById(id: string): Promise<SmsProviderRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(`${SELECT} WHERE p.id = $1`, [id]);
    return row ? SMS_PROVIDERS.decode(row) : null;
  }

  /** Null when the name is taken. */
  async insert(provider: {
    name: string;
    kind: SmsProviderKind;
    apiUrl: string | null;
    apiKeyEncrypted: string | null;
  }): Promise<SmsProviderRecord | null> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO sms_providers (name, kind, api_url, api_key_encrypted) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO NOTHING RETURNING id`,
      [provider.name, provider.kind, provider.apiUrl, provider.apiKeyEncrypted],
    );
    return row ? this.findById(row.id) : null;
  }

  async update(
    id: string,
    changes: { apiUrl?: string; apiKeyEncrypted?: string },
  ): Promise<SmsProviderRecord | null> {
    const row = await this.sql.one<{ id: string }>(
      `UPDATE sms_providers SET api_url = coalesce($2, api_url), api_key_encrypted = coalesce($3, api_key_encrypted),
              updated_at = now()
       WHERE id = $1 RETURNING id`,
      [id, changes.apiUrl ?? null, changes.apiKeyEncrypted ?? null],
    );
    return row ? this.findById(row.id) : null;
  }

  async setEnabled(id: string, enabled: boolean): Promise<SmsProviderRecord | null> {
    const row = await this.sql.one<{ id: string }>(
      `UPDATE sms_providers SET enabled = $2, updated_at = now() WHERE id = $1 RETURNING id`,
      [id, enabled],
    );
    return row ? this.findById(row.id) : null;
  }

  /**
   * Records a health check: healthy again at once on success; unhealthy after `threshold` failures
   * in a row. Answers whether the provider's health changed.
   */
  async recordHealth(
    id: string,
    result: {
      ok: boolean;
      error: string | null;
      balanceMinor: bigint | null;
      balanceCurrency: string | null;
    },
    threshold: number,
  ): Promise<{ healthy: boolean; changed: boolean } | null> {
    return this.sql.one(
      `WITH before AS (SELECT healthy FROM sms_providers WHERE id = $1),
       after AS (
         UPDATE sms_providers SET last_health_at = now(), last_health_error = $3,
                consecutive_health_failures = CASE WHEN $2 THEN 0 ELSE consecutive_health_failures + 1 END,
                healthy = $2 OR (consecutive_health_failures + 1 < $6),
                balance_minor = coalesce($4, balance_minor), balance_currency = coalesce($5, balance_currency)
         WHERE id = $1 RETURNING healthy)
       SELECT after.healthy, after.healthy <> before.healthy AS changed FROM after, before`,
      [
        id,
        result.ok,
        result.error?.slice(0, 300) ?? null,
        result.balanceMinor?.toString() ?? null,
        result.balanceCurrency,
        threshold,
      ],
    );
  }

  /** Deletes a provider that never rented a number (one statement: a rent racing it fails its key). */
  async deleteIfUnused(id: string): Promise<'deleted' | 'in_use' | 'not_found'> {
    const row = await this.sql.one<{ found: boolean; deleted: boolean }>(
      `WITH target AS (SELECT id, name FROM sms_providers WHERE id = $1 FOR UPDATE),
            removed AS (
              DELETE FROM sms_providers sp USING target
              WHERE sp.id = target.id AND NOT EXISTS (SELECT 1 FROM sms_numbers n WHERE n.provider = target.name)
              RETURNING sp.id)
       SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM removed) AS deleted`,
      [id],
    );
    if (!row?.found) return 'not_found';
    return row.deleted ? 'deleted' : 'in_use';
  }
}
