import { Injectable } from '@nestjs/common';
import type { MarkAllReadResponse, NotificationResponse, UnreadCountResponse } from '@cloudphone/contracts';
import {
  assertMayActFor,
  type ListQuery,
  type Page,
  type Principal,
  type UserPrincipal,
} from '@cloudphone/shared';
import type { NotificationRecord } from './notification-record';
import { NotificationErrors } from './notifications.errors';
import { NotificationsRepository } from './notifications.repository';

@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationsRepository) {}

  /** A user lists their own inbox; admins may name another user with `userId`, services must. */
  async listFor(principal: Principal, query: ListQuery): Promise<Page<NotificationResponse>> {
    const requested = query.filters.find((filter) => filter.name === 'userId');
    const owner = this.inboxOwner(principal, requested ? String(requested.value) : undefined);
    if (!requested) query.filters.push({ name: 'userId', column: 'userId', operator: '=', value: owner });
    const page = await this.notifications.list(query);
    return { ...page, items: page.items.map(toResponse) };
  }

  /** Unread notifications of the caller's inbox (or `userId`'s, under the same rules as the list). */
  async unreadCountFor(principal: Principal, userId?: string): Promise<UnreadCountResponse> {
    return {
      unread: await this.notifications.countUnread(this.inboxOwner(principal, userId?.toLowerCase())),
    };
  }

  /** Marks one of the caller's notifications read; a second call keeps the first read time. */
  async markRead(principal: Principal, id: string): Promise<NotificationResponse> {
    const notification = await this.notifications.markRead(id, ownerOf(principal).userId);
    if (!notification) throw NotificationErrors.notFound(id);
    return toResponse(notification);
  }

  async markAllRead(principal: Principal): Promise<MarkAllReadResponse> {
    return { marked: await this.notifications.markAllRead(ownerOf(principal).userId) };
  }

  private inboxOwner(principal: Principal, requested: string | undefined): string {
    if (principal.kind === 'service') {
      if (!requested) throw NotificationErrors.inboxNeedsUser();
      return requested;
    }
    const owner = requested ?? principal.userId;
    assertMayActFor(principal, owner, NotificationErrors.otherUsersInbox);
    return owner;
  }
}

/** Reading is the inbox owner's act: services and admins do not mark users' notifications read. */
function ownerOf(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user') throw NotificationErrors.ownerOnly();
  return principal;
}

function toResponse(notification: NotificationRecord): NotificationResponse {
  return {
    id: notification.id,
    userId: notification.userId,
    type: notification.type,
    title: notification.title,
    body: notification.body,
    data: notification.data,
    readAt: notification.readAt?.toISOString() ?? null,
    createdAt: notification.createdAt.toISOString(),
    sourceEventId: notification.sourceEventId,
  };
}
