/** user-service paths, relative to its base URL. */
export const USER_ROUTES = {
  users: 'users',
  /** GET (admin or self), PATCH (admin): one user. */
  user: 'users/:id',
  /** GET: the caller's own profile. */
  me: 'users/me',
  /** POST: email and password → a user JWT. */
  login: 'auth/login',
  /** POST: would this allocation fit the user's quota? Read-only. */
  quotaCheck: 'quotas/check',
  /** POST: count an allocation against the quota; idempotent per allocationId. */
  quotaUsage: 'quotas/usage',
  /** POST: give an allocation's resources back; idempotent per allocationId. */
  quotaRestore: 'quotas/restore',
  /** POST: up to 100 restores in one call and one transaction; each idempotent per allocationId. */
  quotaRestoreBatch: 'quotas/restore/batch',
  /** GET: a user's limits and current usage. */
  quota: 'quotas/:userId',
  /** PUT (admin): set a user's limits. */
  quotaLimits: 'quotas/:userId/limits',
} as const;
