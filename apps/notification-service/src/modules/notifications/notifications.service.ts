import { Injectable } from '@nestjs/common';
import { actsForOthers, type ListQuery, type Page, type Principal } from '@cloudphone/shared';
import type { NotificationEntity } from './notification.entity';
import { NotificationErrors } from './notifications.errors';
import { NotificationsRepository } from './notifications.repository';

@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationsRepository) {}

  /** A user lists their own inbox; admins may name another user with `userId`, services must. */
  listFor(principal: Principal, query: ListQuery): Promise<Page<NotificationEntity>> {
    const requested = query.filters.find((filter) => filter.name === 'userId');
    if (
      requested &&
      principal.kind === 'user' &&
      !actsForOthers(principal) &&
      requested.value !== principal.userId
    ) {
      throw NotificationErrors.otherUsersInbox();
    }
    if (!requested) {
      if (principal.kind === 'service') throw NotificationErrors.inboxNeedsUser();
      query.filters.push({ name: 'userId', column: 'userId', operator: '=', value: principal.userId });
    }
    return this.notifications.list(query);
  }
}
