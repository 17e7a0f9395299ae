import { AppError, CommonErrors } from '@cloudphone/shared';

export const NotificationErrors = {
  otherUsersInbox: () => CommonErrors.forbidden('Only admins may read another user’s notifications'),
  inboxNeedsUser: () => CommonErrors.validationFailed('userId: required when a service lists notifications'),
  // Another user's notification answers like a missing one, so ids of other inboxes do not leak.
  notFound: (id: string) => new AppError('NOTIFICATION_NOT_FOUND', 404, 'Notification not found', { id }),
  ownerOnly: () => CommonErrors.forbidden('Only the owner of an inbox may mark its notifications read'),
  invalidId: () =>
    CommonErrors.validationFailed('id: must be a UUID', [{ field: 'id', reasons: ['must be a UUID'] }]),
};
