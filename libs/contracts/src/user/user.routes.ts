/** user-service paths, relative to its base URL. */
export const USER_ROUTES = {
  users: 'users',
  /** GET (admin or self), PATCH (admin): one user. */
  user: 'users/:id',
  /** GET: the caller's own profile. */
  me: 'users/me',
  /** POST: email or username and password → a user JWT. */
  login: 'auth/login',
  /** POST (anyone): self-service sign-up; the account is pending until the email is verified. */
  register: 'auth/register',
  /** POST (anyone): redeem an emailed verification token; activates the account. */
  verifyEmail: 'auth/verify-email',
  /** POST (anyone): email a new verification token to a pending account; always 202. */
  resendVerification: 'auth/verify-email/resend',
  /** POST (user): change the caller's password, given the current one. */
  changePassword: 'auth/change-password',
  /** POST (anyone): email a password-reset token; always 202. */
  forgotPassword: 'auth/forgot-password',
  /** POST (anyone): set a new password with an emailed reset token. */
  resetPassword: 'auth/reset-password',
  /** GET (user): the caller's recent logins and failures. */
  loginHistory: 'auth/login-history',
  /** GET (admin): logins per day, from the login-stats materialized view. */
  loginStats: 'auth/login-stats',
  /** GET (admin): the security audit log. */
  auditLog: 'auth/audit-log',
  /** GET, POST (user): the caller's API keys; a created key is shown once. */
  apiKeys: 'auth/api-keys',
  /** DELETE (owner or admin): revoke an API key. */
  apiKey: 'auth/api-keys/:id',
  /** POST (service only): who an API key acts for and with which scopes; 401 when it does not. */
  apiKeyIntrospect: 'auth/api-keys/introspect',
  /** POST: would this allocation fit the user's quota? Read-only. */
  quotaCheck: 'quotas/check',
  /** POST: count an allocation against the quota; idempotent per allocationId. */
  quotaUsage: 'quotas/usage',
  /** POST: up to 100 usage reports in one call, answered per item; each as `quotaUsage` alone. */
  quotaUsageBatch: 'quotas/usage/batch',
  /** POST: give an allocation's resources back; idempotent per allocationId. */
  quotaRestore: 'quotas/restore',
  /** POST: up to 100 restores in one call; each idempotent per allocationId. */
  quotaRestoreBatch: 'quotas/restore/batch',
  /** GET: a user's limits and current usage. */
  quota: 'quotas/:userId',
  /** PUT (admin): set a user's limits. */
  quotaLimits: 'quotas/:userId/limits',
} as const;
