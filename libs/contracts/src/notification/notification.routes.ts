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
  /** GET: the caller's effective channel choices per event type, and their locale. */
  preferences: 'notifications/preferences',
  /** POST: change several choices (and the locale) at once. */
  preferencesBatch: 'notifications/preferences/batch',
  /** GET: delivery records (email, webhook, push) of the caller; admins any user's. */
  deliveries: 'notifications/deliveries',
  /** GET: one delivery record. */
  delivery: 'notifications/deliveries/:id',
  /** POST (admin): send a delivery again, same delivery id, as a new round. */
  deliveryReplay: 'notifications/deliveries/:id/replay',
  /** GET, POST: the caller's webhook endpoints (the secret is shown once, at creation). */
  webhooks: 'notifications/webhooks',
  /** GET, PATCH, DELETE: one webhook endpoint. */
  webhook: 'notifications/webhooks/:id',
  /** POST: a new signing secret for the endpoint (shown once); the old one stops signing at once. */
  webhookRotateSecret: 'notifications/webhooks/:id/rotate-secret',
} as const;
