import { AppError } from '@cloudphone/shared';

export const AuthErrors = {
  // One answer for an unknown email and a wrong password, so logins cannot probe for accounts.
  invalidCredentials: () => new AppError('INVALID_CREDENTIALS', 401, 'Invalid email or password'),
  accountSuspended: () => new AppError('ACCOUNT_SUSPENDED', 403, 'This account is suspended'),
};
