import { EnvInteger, EnvString, EnvUrl } from '../config/env-variable.decorators';

/**
 * Secrets that sign and verify user and service tokens, and where and how long API key answers are
 * looked up (config slice of src/auth).
 */
export class AuthConfig {
  @EnvString('JWT_SECRET', { minLength: 32, description: 'a secret of at least 32 characters' })
  jwtSecret!: string;

  @EnvString('SERVICE_TOKEN_SECRET', { minLength: 32, description: 'a secret of at least 32 characters' })
  serviceTokenSecret!: string;

  /**
   * user-service's base URL. Every service asks it who an API key acts for (and device-, proxy-
   * service call it for quotas and users); user-service itself checks keys in its own database.
   */
  @EnvUrl('USER_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30001' })
  userServiceUrl!: string;

  /** How long a process reuses user-service's "this key is valid": the bound on revocation latency. */
  @EnvInteger('API_KEY_CACHE_TTL_MS', { default: 30000, min: 0, max: 300000 })
  apiKeyCacheTtlMs!: number;

  /** How long a process reuses "this key is invalid", so a flood of bad keys stays in the process. */
  @EnvInteger('API_KEY_INVALID_CACHE_TTL_MS', { default: 5000, min: 0, max: 60000 })
  apiKeyInvalidCacheTtlMs!: number;
}
