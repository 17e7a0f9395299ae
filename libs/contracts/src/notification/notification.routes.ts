/** notification-service paths, relative to its base URL. */
export const NOTIFICATION_ROUTES = {
  notifications: 'notifications',
} as const;
