import {
  type DeliveredNotification,
  NOTIFICATION_CHANNELS,
  type NotificationChannelName,
} from '@cloudphone/contracts';

/** The channels a notification may leave by besides the inbox. */
export const DELIVERY_CHANNELS = NOTIFICATION_CHANNELS;
export type DeliveryChannelName = NotificationChannelName;

/** The event and notification a webhook body or a push carries (each adds the delivery id its way). */
export function deliveredNotification(delivery: DeliveryToSend): DeliveredNotification {
  const { payload } = delivery;
  return {
    type: delivery.eventType,
    occurredAt: payload.occurredAt,
    notification: { id: payload.notificationId ?? null, title: payload.title, body: payload.body },
    data: payload.data,
  };
}

/** What a delivery renders: the notification's text and data, and the address when the event carried it. */
export interface DeliveryPayload {
  /** The inbox notification's id, when the fact has one (token emails have none). */
  notificationId?: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** The recipient's address and name from the event (security emails); otherwise looked up when sent. */
  email?: { address: string; displayName: string };
  /** When the fact happened (the event's `occurredAt`). */
  occurredAt: string;
}

/** A delivery as a channel sends it. `id` is the same on every retry and replay: receivers deduplicate by it. */
export interface DeliveryToSend {
  id: string;
  userId: string | null;
  channel: DeliveryChannelName;
  eventType: string;
  /** The webhook endpoint id; '' for the user's own address or sockets. */
  target: string;
  payload: DeliveryPayload;
  /** Attempts made before this one, in all rounds. */
  totalAttempts: number;
}

/**
 * How one attempt went. `permanent` failures (the receiver refused the content, the endpoint is
 * gone) end the delivery as `dead` at once; the others are retried with backoff.
 */
export type ChannelOutcome =
  | { result: 'delivered' }
  | { result: 'skipped'; reason: string }
  | { result: 'failed'; error: string; code: string; permanent: boolean; retryAfterMs?: number };

/**
 * One channel: which targets a user has for an event type, and how one delivery is sent. A channel
 * registers itself with DeliveryChannels at start-up; the dispatcher and the outbox destination
 * find it there.
 */
export interface NotificationChannel {
  readonly name: DeliveryChannelName;
  /** Targets of this user for this event type: [''] for a per-user channel, endpoint ids for webhooks. */
  targetsFor(userId: string, eventType: string): Promise<string[]>;
  send(delivery: DeliveryToSend): Promise<ChannelOutcome>;
}
