import { AppError, CommonErrors } from '@cloudphone/shared';

/** Live (not revoked, not expired) keys a user may hold at once. */
export const MAX_LIVE_API_KEYS_PER_USER = 50;

export const ApiKeysErrors = {
  // Unknown, another user's and already revoked keys answer alike: nobody learns of others' keys.
  notFound: (id: string) => new AppError('API_KEY_NOT_FOUND', 404, 'No such API key in force', { id }),
  nameTaken: () =>
    CommonErrors.conflict(
      'API_KEY_NAME_TAKEN',
      'You already have a key with this name; revoke it or pick another',
    ),
  tooMany: () =>
    CommonErrors.conflict(
      'API_KEY_LIMIT_REACHED',
      `You have ${MAX_LIVE_API_KEYS_PER_USER} keys in force; revoke one first`,
      { limit: MAX_LIVE_API_KEYS_PER_USER },
    ),
  expiryInPast: () =>
    CommonErrors.validationFailed('expiresAt: must be in the future', [
      { field: 'expiresAt', reasons: ['must be in the future'] },
    ]),
  ownerNotFound: (userId: string) => new AppError('USER_NOT_FOUND', 404, 'User not found', { userId }),
  ownerNotActive: () => new AppError('ACCOUNT_NOT_ACTIVE', 403, 'Only an active account may create API keys'),
  usersOnly: () => CommonErrors.forbidden('API keys belong to users; a service token has none'),
};
