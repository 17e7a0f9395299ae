import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { Repository } from 'typeorm';
import { NotificationEntity } from './notification.entity';

@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>,
  ) {}

  list(query: ListQuery): Promise<Page<NotificationEntity>> {
    return findPage(this.notifications.createQueryBuilder('notification'), query);
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
