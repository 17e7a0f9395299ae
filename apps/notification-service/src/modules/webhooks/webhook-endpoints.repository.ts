import { Injectable } from '@nestjs/common';
import { SqlClient, TableMap } from '@cloudphone/shared';
import type {
  NewWebhookEndpoint,
  WebhookEndpoint,
  WebhookEndpointChanges,
  WebhookEndpointForDelivery,
} from './webhook-endpoint';

const ENDPOINTS = new TableMap<WebhookEndpoint>('webhook_endpoints', {
  id: 'id',
  userId: 'user_id',
  url: 'url',
  description: 'description',
  eventTypes: 'event_types',
  enabled: 'enabled',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/** The user's endpoint, unless deleted (another user's id finds nothing). */
const OWN_LIVE = 'id = $1 AND user_id = $2 AND deleted_at IS NULL';

/** SQL of webhook endpoints. The secret only ever leaves here encrypted, and only for a send. */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Serialises endpoint creations of one user until the transaction ends (an advisory lock: there
   * is no row to lock before the first endpoint), so the live count read next cannot go stale.
   */
  async lockUser(userId: string): Promise<void> {
    await this.sql.rows(`SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints:' || $1))`, [userId]);
  }

  async countLive(userId: string): Promise<number> {
    const row = await this.sql.one<{ count: number }>(
      'SELECT count(*)::int AS count FROM webhook_endpoints WHERE user_id = $1 AND deleted_at IS NULL',
      [userId],
    );
    return row?.count ?? 0;
  }

  async insert(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint> {
    const [row] = await this.sql.rows<WebhookEndpoint>(
      `INSERT INTO webhook_endpoints (id, user_id, url, description, secret_ciphertext, event_types)
       VALUES ($1, $2, $3, $4, $5, $6::text[]) RETURNING ${ENDPOINTS.select()}`,
      [
        endpoint.id,
        endpoint.userId,
        endpoint.url,
        endpoint.description,
        endpoint.secretCiphertext,
        endpoint.eventTypes,
      ],
    );
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return row;
  }

  listLive(userId: string): Promise<WebhookEndpoint[]> {
    return this.sql.rows<WebhookEndpoint>(
      `SELECT ${ENDPOINTS.select()} FROM webhook_endpoints WHERE user_id = $1 AND deleted_at IS NULL
       ORDER BY created_at, id`,
      [userId],
    );
  }

  findLive(id: string, userId: string): Promise<WebhookEndpoint | null> {
    return this.sql.one<WebhookEndpoint>(
      `SELECT ${ENDPOINTS.select()} FROM webhook_endpoints WHERE ${OWN_LIVE}`,
      [id, userId],
    );
  }

  /** Changes only the fields given, in one statement (concurrent PATCHes of other fields are kept). */
  update(id: string, userId: string, changes: WebhookEndpointChanges): Promise<WebhookEndpoint | null> {
    return this.sql.one<WebhookEndpoint>(
      `UPDATE webhook_endpoints SET url = COALESCE($3, url),
         description = CASE WHEN $4::boolean THEN $5 ELSE description END,
         event_types = COALESCE($6::text[], event_types), enabled = COALESCE($7, enabled), updated_at = now()
       WHERE ${OWN_LIVE} RETURNING ${ENDPOINTS.select()}`,
      [
        id,
        userId,
        changes.url ?? null,
        changes.description !== undefined,
        changes.description ?? null,
        changes.eventTypes ?? null,
        changes.enabled ?? null,
      ],
    );
  }

  replaceSecret(id: string, userId: string, secretCiphertext: string): Promise<WebhookEndpoint | null> {
    return this.sql.one<WebhookEndpoint>(
      `UPDATE webhook_endpoints SET secret_ciphertext = $3, updated_at = now()
       WHERE ${OWN_LIVE} RETURNING ${ENDPOINTS.select()}`,
      [id, userId, secretCiphertext],
    );
  }

  /** Soft delete: deliveries already queued find it deleted and are skipped. */
  async softDelete(id: string, userId: string): Promise<boolean> {
    const rows = await this.sql.rows(
      `UPDATE webhook_endpoints SET deleted_at = now(), enabled = false, updated_at = now()
       WHERE ${OWN_LIVE} RETURNING id`,
      [id, userId],
    );
    return rows.length > 0;
  }

  /** Ids of the user's enabled endpoints that take this event type (an empty list takes every one). */
  async targetsFor(userId: string, eventType: string): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `SELECT id FROM webhook_endpoints
       WHERE user_id = $1 AND deleted_at IS NULL AND enabled
         AND (cardinality(event_types) = 0 OR $2 = ANY (event_types))
       ORDER BY created_at, id`,
      [userId, eventType],
    );
    return rows.map((row) => row.id);
  }

  findForDelivery(id: string): Promise<WebhookEndpointForDelivery | null> {
    return this.sql.one<WebhookEndpointForDelivery>(
      `SELECT user_id AS "userId", url, event_types AS "eventTypes", enabled, deleted_at IS NOT NULL AS deleted,
         secret_ciphertext AS "secretCiphertext"
       FROM webhook_endpoints WHERE id = $1`,
      [id],
    );
  }
}
