import { CommonErrors } from '@cloudphone/shared';

export const NotificationErrors = {
  otherUsersInbox: () => CommonErrors.forbidden('Only admins may read another user’s notifications'),
  inboxNeedsUser: () => CommonErrors.validationFailed('userId: required when a service lists notifications'),
};
