import { AppError, CommonErrors } from '@cloudphone/shared';

export const AuthErrors = {
  // One answer for an unknown account and a wrong password, so logins cannot probe for accounts.
  invalidCredentials: () => new AppError('INVALID_CREDENTIALS', 401, 'Invalid email, username or password'),
  accountSuspended: () => new AppError('ACCOUNT_SUSPENDED', 403, 'This account is suspended'),
  emailNotVerified: () =>
    new AppError(
      'EMAIL_NOT_VERIFIED',
      403,
      'Verify your email address first (POST /auth/verify-email/resend)',
    ),
  accountLocked: (retryAfter: number) =>
    new AppError(
      'ACCOUNT_LOCKED',
      429,
      'Too many failed logins; try again later or reset the password',
      { retryAfterSeconds: retryAfter },
      { 'Retry-After': String(retryAfter) },
    ),
  identifierRequired: () => CommonErrors.validationFailed('Send either email or username, not both'),
  // Unknown, used, expired and superseded tokens get one answer: a token reveals nothing else.
  tokenInvalid: () =>
    new AppError('TOKEN_INVALID', 400, 'This link is invalid, used or expired; request a new one'),
  wrongCurrentPassword: () => new AppError('INVALID_CURRENT_PASSWORD', 403, 'The current password is wrong'),
  passwordUnchanged: () => CommonErrors.validationFailed('The new password must differ from the current one'),
  userTokenRequired: () => CommonErrors.forbidden('Only a user signed in with a password may do this'),
};
