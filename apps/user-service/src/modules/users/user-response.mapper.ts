import type { UserResponse } from '@cloudphone/contracts';
import type { UserRecord } from './user-record';

/** The public shape of a user: everything but the password hash. */
export function toUserResponse(user: UserRecord): UserResponse {
  return {
    id: user.id,
    tenantId: user.tenantId,
    email: user.email,
    username: user.username,
    emailVerified: user.emailVerifiedAt !== null,
    displayName: user.displayName,
    roles: user.roles,
    tier: user.tier,
    status: user.status,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
