import { PlatformServiceConfig, EnvInteger, EnvString } from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';

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
}
