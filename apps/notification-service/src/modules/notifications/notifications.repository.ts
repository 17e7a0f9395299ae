import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { type EntityManager, IsNull, Repository } from 'typeorm';
import { NotificationEntity } from './notification.entity';

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
  constructor(
    @InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>,
  ) {}

  list(query: ListQuery): Promise<Page<NotificationEntity>> {
    return findPage(this.notifications.createQueryBuilder('notification'), query);
  }

  countUnread(userId: string): Promise<number> {
    return this.notifications.countBy({ userId, readAt: IsNull() });
  }

  /**
   * Marks the user's notification read unless it already is (the first read time stays), then
   * returns it; null when no notification of that user has this id.
   */
  async markRead(id: string, userId: string): Promise<NotificationEntity | null> {
    await this.notifications
      .createQueryBuilder()
      .update()
      .set({ readAt: () => 'now()' })
      .where('id = :id AND user_id = :userId AND read_at IS NULL', { id, userId })
      .execute();
    return this.notifications.findOneBy({ id, userId });
  }

  /** Marks all of the user's unread notifications read; returns how many changed. */
  async markAllRead(userId: string): Promise<number> {
    const result = await this.notifications
      .createQueryBuilder()
      .update()
      .set({ readAt: () => 'now()' })
      .where('user_id = :userId AND read_at IS NULL', { userId })
      .execute();
    return result.affected ?? 0;
  }

  /**
   * Inserts through the delivery's transaction; returns the new id, or null when a notification
   * with the same source key exists (also when a concurrent transaction inserted it first).
   */
  async insertFromEvent(manager: EntityManager, notification: NewEventNotification): Promise<string | null> {
    const rows = (await manager.query(
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
    )) as Array<{ id: string }>;
    return rows[0]?.id ?? null;
  }

  async anyWithSourceKey(manager: EntityManager, sourceKeys: string[]): Promise<boolean> {
    const rows = (await manager.query('SELECT 1 FROM notifications WHERE source_key = ANY($1) LIMIT 1', [
      sourceKeys,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** Unread notifications per type, with the age of the oldest one in seconds. */
  summarizeUnreadByType(): Promise<Array<{ type: string; count: number; oldestAgeSeconds: number }>> {
    return this.notifications
      .createQueryBuilder('notification')
      .select('notification.type', 'type')
      .addSelect('count(*)::int', 'count')
      .addSelect('extract(epoch from now() - min(notification.created_at))::float8', 'oldestAgeSeconds')
      .where('notification.read_at IS NULL')
      .groupBy('notification.type')
      .getRawMany();
  }
}
