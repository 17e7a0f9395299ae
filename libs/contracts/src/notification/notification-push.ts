import type { DeliveredNotification } from './notification-channels';

/**
 * The WebSocket push channel: socket.io on notification-service's own port, WebSocket transport
 * only (no long-polling, so replicas behind a plain load balancer or a PM2 cluster need no sticky
 * sessions). The client authenticates in the handshake (`auth: { token }`) with a user JWT or an
 * API key holding `notifications:read`.
 */
export const NOTIFICATION_PUSH = {
  /** The socket.io path on notification-service's port. */
  path: '/socket.io',
  /** The event that carries one notification (a PushNotificationMessage). */
  notificationEvent: 'notification',
  /** The API key scope a key needs to connect (`notifications:write` includes it). */
  apiKeyScope: 'notifications:read',
} as const;

/** `connect_error` `data.code` values of a refused connection (the HTTP codes of the same refusals). */
export const PUSH_CONNECT_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'API_KEY_INVALID',
  'API_KEY_SCOPE',
  'DEPENDENCY_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export type PushConnectErrorCode = (typeof PUSH_CONNECT_ERROR_CODES)[number];

/** What a client receives with the `notification` event. */
export interface PushNotificationMessage extends DeliveredNotification {
  /** The delivery id: a retried push keeps it, so a client drops a copy it has already shown. */
  deliveryId: string;
}
