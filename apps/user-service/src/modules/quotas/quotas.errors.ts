import type { QuotaResourceName, QuotaResources } from '@cloudphone/contracts';
import { AppError, CommonErrors } from '@cloudphone/shared';

export const QuotaErrors = {
  userNotFound: (userId: string) => new AppError('USER_NOT_FOUND', 404, 'User not found', { userId }),
  userSuspended: (userId: string) =>
    new AppError('USER_SUSPENDED', 403, 'The user is suspended and cannot take more quota', { userId }),
  exceeded: (
    resource: QuotaResourceName,
    quota: { limits: QuotaResources; usage: QuotaResources },
    requested: QuotaResources,
  ) =>
    new AppError('QUOTA_EXCEEDED', 403, `Quota exceeded: ${resource}`, {
      exceeded: resource,
      limit: quota.limits[resource],
      used: quota.usage[resource],
      requested: requested[resource],
      limits: quota.limits,
      usage: quota.usage,
    }),
  limitBelowUsage: (resources: Array<{ resource: QuotaResourceName; limit: number; usage: number }>) =>
    CommonErrors.conflict(
      'LIMIT_BELOW_USAGE',
      `A limit would be below current usage: ${resources.map((entry) => entry.resource).join(', ')}`,
      { resources },
    ),
  allocationMismatch: (allocationId: string) =>
    CommonErrors.conflict(
      'ALLOCATION_MISMATCH',
      'This allocationId was already reported for another user or with other resources',
      { allocationId },
    ),
  otherUsersQuota: () => CommonErrors.forbidden('Only admins and services may use another user’s quota'),
};
