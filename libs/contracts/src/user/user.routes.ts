/** user-service paths, relative to its base URL. */
export const USER_ROUTES = {
  users: 'users',
  /** POST: would this allocation fit the user's quota? Read-only. */
  quotaCheck: 'quotas/check',
  /** POST: count an allocation against the quota; idempotent per allocationId. */
  quotaUsage: 'quotas/usage',
  /** POST: give an allocation's resources back; idempotent per allocationId. */
  quotaRestore: 'quotas/restore',
  /** GET: a user's limits and current usage. */
  quota: 'quotas/:userId',
} as const;
