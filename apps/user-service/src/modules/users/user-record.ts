import type { UserStatus, UserTier } from '@cloudphone/contracts';

/** A user as the service works with them: everything but the password hash. */
export interface UserRecord {
  id: string;
  tenantId: string;
  email: string;
  displayName: string;
  roles: string[];
  tier: UserTier;
  status: UserStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** A user with their password hash, read only to check a login. */
export interface UserWithPasswordHash extends UserRecord {
  passwordHash: string;
}
