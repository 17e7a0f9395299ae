import { Injectable } from '@nestjs/common';
import type { UserTier } from '@cloudphone/contracts';
import { UserDirectoryClient } from '../../integrations/platform-services/user-directory.client';
import { AllocationErrors } from './allocations.errors';

/**
 * The tier a user's extension policy and queue priority follow, read from user-service when it
 * is needed, so a tier change applies to the next extension or queue entry without a copy to keep
 * in step. With user-service unavailable under QUOTA_CHECK_WHEN_UNAVAILABLE=allow, `free`: the
 * most restrictive (under `deny`, a 503).
 */
@Injectable()
export class UserTiers {
  constructor(private readonly users: UserDirectoryClient) {}

  /** The user's tier; 403 USER_NOT_ACTIVE for a suspended, deleted or unknown user. */
  async tierOf(userId: string): Promise<UserTier> {
    const standing = await this.users.standing(userId);
    if (standing.degraded) return 'free';
    if (!standing.found || standing.status !== 'active') throw AllocationErrors.userNotActive(userId);
    return standing.tier;
  }
}
