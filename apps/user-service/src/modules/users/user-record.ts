import type { UserStatus, UserTier } from '@cloudphone/contracts';

/** A user as the service works with them: everything but the password hash. */
export interface UserRecord {
  id: string;
  tenantId: string;
  email: string;
  username: string | null;
  emailVerifiedAt: Date | null;
  displayName: string;
  roles: string[];
  tier: UserTier;
  status: UserStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** A user with their password hash and lockout state, read only to check a login or password. */
export interface UserWithPasswordHash extends UserRecord {
  passwordHash: string;
  failedLoginCount: number;
  lockedUntil: Date | null;
}
