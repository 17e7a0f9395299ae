/** Channels a notification may leave by besides the inbox (which every notification reaches). */
export const NOTIFICATION_CHANNELS = ['email', 'webhook', 'push'] as const;
export type NotificationChannelName = (typeof NOTIFICATION_CHANNELS)[number];

/** Statuses of a delivery record. */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Locales emails are written in; a user without a choice gets the first. */
export const NOTIFICATION_LOCALES = ['en', 'de'] as const;
export type NotificationLocale = (typeof NOTIFICATION_LOCALES)[number];

/** What a webhook body and a push carry besides the delivery id: the event and its notification. */
export interface DeliveredNotification {
  /** The event type, e.g. `billing.invoice_issued`. */
  type: string;
  /** When the fact happened (ISO 8601). */
  occurredAt: string;
  /** The inbox notification (`id` is its id in GET /notifications; null for token emails). */
  notification: { id: string | null; title: string; body: string };
  /** The event's data. */
  data: Record<string, unknown>;
}

/** Headers of every webhook request (lower-case, as Node reads them). */
export const WEBHOOK_HEADERS = {
  /** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint's secret>`. */
  signature: 'x-cloudphone-signature',
  /** The delivery id: the same on every retry and replay of one delivery. */
  delivery: 'x-cloudphone-delivery',
  /** The event type. */
  event: 'x-cloudphone-event',
} as const;
