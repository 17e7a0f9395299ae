import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { NotificationRecord } from './notification-record';

const NOTIFICATIONS = new TableMap<NotificationRecord>('notifications', {
  id: 'id',
  userId: 'user_id',
  type: 'type',
  title: 'title',
  body: 'body',
  data: 'data',
  readAt: 'read_at',
  createdAt: 'created_at',
  sourceKey: 'source_key',
  sourceEventId: 'source_event_id',
});

/** A notification to store for a consumed event. */
export interface NewEventNotification {
  userId: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  sourceKey: string;
  sourceEventId: string;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly sql: SqlClient) {}

  list(query: ListQuery): Promise<Page<NotificationRecord>> {
    return findPage(this.sql, NOTIFICATIONS, query);
  }

  async countUnread(userId: string): Promise<number> {
    const row = await this.sql.one<{ count: number }>(
      'SELECT count(*)::int AS count FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    );
    return row?.count ?? 0;
  }

  /**
   * Marks the user's notification read unless it already is (the first read time stays), then
   * returns it; null when no notification of that user has this id.
   */
  async markRead(id: string, userId: string): Promise<NotificationRecord | null> {
    await this.sql.rows(
      'UPDATE notifications SET read_at = now() WHERE id = $1 AND user_id = $2 AND read_at IS NULL',
      [id, userId],
    );
    return this.sql.one<NotificationRecord>(
      `SELECT ${NOTIFICATIONS.select()} FROM notifications WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
  }

  /** Marks all of the user's unread notifications read; returns how many changed. */
  async markAllRead(userId: string): Promise<number> {
    const row = await this.sql.one<{ count: number }>(
      `WITH marked AS (
         UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING 1
       )
       SELECT count(*)::int AS count FROM marked`,
      [userId],
    );
    return row?.count ?? 0;
  }

  /**
   * Inserts in the delivery's transaction; returns the new id, or null when a notification with
   * the same source key exists (also when a concurrent transaction inserted it first).
   */
  async insertFromEvent(notification: NewEventNotification): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO notifications (user_id, type, title, body, data, source_key, source_event_id)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
       ON CONFLICT (source_key) DO NOTHING
       RETURNING id`,
      [
        notification.userId,
        notification.type,
        notification.title,
        notification.body,
        JSON.stringify(notification.data),
        notification.sourceKey,
        notification.sourceEventId,
      ],
    );
    return row?.id ?? null;
  }

  async anyWithSourceKey(sourceKeys: string[]): Promise<boolean> {
    const rows = await this.sql.rows('SELECT 1 FROM notifications WHERE source_key = ANY($1) LIMIT 1', [
      sourceKeys,
    ]);
    return rows.length > 0;
  }

  /** Unread notifications per type, with the age of the oldest one in seconds. */
  summarizeUnreadByType(): Promise<Array<{ type: string; count: number; oldestAgeSeconds: number }>> {
    return this.sql.rows(
      `SELECT type, count(*)::int AS count,
              extract(epoch from now() - min(created_at))::float8 AS "oldestAgeSeconds"
       FROM notifications WHERE read_at IS NULL GROUP BY type`,
    );
  }
}
