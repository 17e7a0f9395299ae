import { PlatformServiceConfig, EnvEnum, EnvInteger, EnvString, EnvUrl } from '@cloudphone/shared';
import { SERVICE_CATALOG, USER_TIERS, type UserTier } from '@cloudphone/contracts';

export class UserServiceConfig extends PlatformServiceConfig {
  readonly serviceName = SERVICE_CATALOG.user.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.user.port, min: 0, max: 65535 })
  port!: number;

  // Users and login: lifetime of the JWTs /auth/login issues, and an optional first admin created
  // at boot (when both variables are set and no user has that email) so an operator can log in.
  @EnvInteger('JWT_EXPIRES_IN_SECONDS', { default: 3600, min: 60, max: 7 * 24 * 3600 })
  jwtExpiresInSeconds!: number;

  @EnvString('ADMIN_EMAIL', {
    optional: true,
    pattern: /^(?=.{3,254}$)[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/,
    description: 'an email address',
  })
  adminEmail?: string;

  @EnvString('ADMIN_PASSWORD', { optional: true, minLength: 12 })
  adminPassword?: string;

  // Security audit log (src/modules/audit): monthly partitions the partition-manager job keeps
  // created ahead of time, and how long a month is kept before its partition is dropped.
  @EnvInteger('AUDIT_PARTITION_MONTHS_AHEAD', { default: 3, min: 1, max: 24 })
  auditPartitionMonthsAhead!: number;

  @EnvInteger('AUDIT_RETENTION_MONTHS', { default: 12, min: 1, max: 120 })
  auditRetentionMonths!: number;

  // Quota reconciliation (src/modules/quotas): device-service is asked which allocations still live.
  @EnvUrl('DEVICE_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30002' })
  deviceServiceUrl!: string;

  /**
   * A usage record younger than this is never restored by reconciliation, however device-service
   * answers: it may belong to an allocation still being set up.
   */
  @EnvInteger('QUOTA_RECONCILIATION_GRACE_SECONDS', { default: 600, min: 60, max: 7 * 24 * 3600 })
  quotaReconciliationGraceSeconds!: number;

  // Self-service accounts: the tier a sign-up gets (its quota comes from quota_tier_defaults), how
  // long emailed tokens live, and the lockout after repeated failed logins.
  @EnvEnum('SIGNUP_DEFAULT_TIER', USER_TIERS, { default: 'free' })
  signupDefaultTier!: UserTier;

  @EnvInteger('EMAIL_VERIFICATION_TTL_SECONDS', { default: 48 * 3600, min: 300, max: 30 * 24 * 3600 })
  emailVerificationTtlSeconds!: number;

  @EnvInteger('PASSWORD_RESET_TTL_SECONDS', { default: 1800, min: 300, max: 24 * 3600 })
  passwordResetTtlSeconds!: number;

  @EnvInteger('LOGIN_MAX_FAILURES', { default: 5, min: 1, max: 100 })
  loginMaxFailures!: number;

  @EnvInteger('LOGIN_LOCKOUT_SECONDS', { default: 900, min: 1, max: 24 * 3600 })
  loginLockoutSeconds!: number;
}
