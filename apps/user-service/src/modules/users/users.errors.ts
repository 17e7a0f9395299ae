import { AppError, CommonErrors } from '@cloudphone/shared';

export const UserErrors = {
  notFound: (userId: string) => new AppError('USER_NOT_FOUND', 404, 'User not found', { userId }),
  emailTaken: () => CommonErrors.conflict('EMAIL_TAKEN', 'A user with this email already exists'),
  usernameTaken: () => CommonErrors.conflict('USERNAME_TAKEN', 'A user with this username already exists'),
  otherUsersProfile: () => CommonErrors.forbidden('Only admins may read another user'),
  noProfileForServices: () => CommonErrors.forbidden('A service token has no user profile'),
  emptyUpdate: () =>
    CommonErrors.validationFailed('Nothing to update: send at least one of roles, tier, status, displayName'),
  ownAccessChange: () =>
    CommonErrors.conflict(
      'OWN_ACCESS_CHANGE',
      'Admins cannot remove their own admin role or deactivate themselves; ask another admin',
    ),
};
