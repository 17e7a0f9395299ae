/** notification-service paths, relative to its base URL. */
export const NOTIFICATION_ROUTES = {
  /** GET: the caller's inbox, newest first (`unread`, `type` filters; admins and services pass `userId`). */
  notifications: 'notifications',
  /** GET: how many of the caller's notifications are unread. */
  unreadCount: 'notifications/unread-count',
  /** POST: mark one of the caller's notifications read (idempotent: keeps the first read time). */
  markRead: 'notifications/:id/read',
  /** POST: mark all of the caller's unread notifications read. */
  markAllRead: 'notifications/read-all',
} as const;
