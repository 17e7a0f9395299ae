import { Injectable } from '@nestjs/common';
import type { UserStatus } from '@cloudphone/contracts';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { ApiKeyGrantRow, ApiKeyRecord, NewApiKey } from './api-key-record';

// key_hash is deliberately not mapped: only lookups by hash use it, and no answer carries it.
const API_KEYS = new TableMap<ApiKeyRecord>('api_keys', {
  id: 'id',
  userId: 'user_id',
  name: 'name',
  prefix: 'prefix',
  scopes: 'scopes',
  expiresAt: 'expires_at',
  lastUsedAt: 'last_used_at',
  revokedAt: 'revoked_at',
  createdAt: 'created_at',
});

const LIVE = 'revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())';

/**
 * Who a key acts for, in one statement: the key by its hash, in force, with an active owner
 * (roles without `admin`, which no key carries); and, when it was last used more than 60 s ago,
 * last_used_at moved to now. The data-modifying CTE runs whether or not the SELECT reads it; its
 * own condition is on the target row, so concurrent requests re-check it after the row lock and a
 * busy key is written at most once a minute, not on every request.
 */
const GRANT = `
  WITH grant_row AS (
    SELECT k.id, k.user_id, u.tenant_id, u.roles, k.scopes, k.expires_at
    FROM api_keys k JOIN users u ON u.id = k.user_id
    WHERE k.key_hash = $1 AND k.revoked_at IS NULL
      AND (k.expires_at IS NULL OR k.expires_at > now()) AND u.status = 'active'
  ), touched AS (
    UPDATE api_keys a SET last_used_at = now()
    FROM grant_row g
    WHERE a.id = g.id AND (a.last_used_at IS NULL OR a.last_used_at < now() - interval '60 seconds')
    RETURNING a.id
  )
  SELECT g.id AS "keyId", g.user_id AS "userId", g.tenant_id AS "tenantId",
         array_remove(g.roles, $2) AS roles, g.scopes, g.expires_at AS "expiresAt"
  FROM grant_row g`;

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly sql: SqlClient) {}

  /** One page of a user's keys, revoked ones included. */
  listOf(userId: string, query: ListQuery): Promise<Page<ApiKeyRecord>> {
    return findPage(this.sql, API_KEYS, query, { where: 'user_id = $1', parameters: [userId] });
  }

  /**
   * Locks the owner's users row until the transaction ends, so two creations for one user run one
   * after the other and the live-key count each reads is current. FOR NO KEY UPDATE: it does not
   * block the foreign-key checks of inserts referencing the user (FOR KEY SHARE).
   */
  lockOwner(userId: string): Promise<{ status: UserStatus } | null> {
    return this.sql.one<{ status: UserStatus }>('SELECT status FROM users WHERE id = $1 FOR NO KEY UPDATE', [
      userId,
    ]);
  }

  /** The user's keys in force: neither revoked nor expired. */
  async countLive(userId: string): Promise<number> {
    const row = await this.sql.one<{ count: number }>(
      `SELECT count(*)::int AS count FROM api_keys WHERE user_id = $1 AND ${LIVE}`,
      [userId],
    );
    return row?.count ?? 0;
  }

  /**
   * Stores the key unless the user has an unrevoked key of that name (the partial unique index on
   * (user_id, lower(name)) decides); null when the name is taken. The hash is 256 random bits, so
   * the only conflict that can happen is the name's.
   */
  insertUnlessNameTaken(key: NewApiKey): Promise<ApiKeyRecord | null> {
    return this.sql.one<ApiKeyRecord>(
      `INSERT INTO api_keys (user_id, name, prefix, key_hash, scopes, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING
       RETURNING ${API_KEYS.select()}`,
      [key.userId, key.name, key.prefix, key.hash, key.scopes, key.expiresAt],
    );
  }

  /**
   * Revokes a key still in force, in one conditional statement (two concurrent revocations: one
   * wins). `ownerId` restricts it to that user's keys (null: an admin, any key). Null when there
   * was nothing to revoke.
   */
  revoke(id: string, ownerId: string | null): Promise<ApiKeyRecord | null> {
    return this.sql.one<ApiKeyRecord>(
      `UPDATE api_keys SET revoked_at = now()
       WHERE id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR user_id = $2::uuid)
       RETURNING ${API_KEYS.select()}`,
      [id, ownerId],
    );
  }

  /** The grant of the key with this hash, or null when it acts for no one (see GRANT). */
  findGrant(hash: Buffer, adminRole: string): Promise<ApiKeyGrantRow | null> {
    return this.sql.one<ApiKeyGrantRow>(GRANT, [hash, adminRole]);
  }
}
