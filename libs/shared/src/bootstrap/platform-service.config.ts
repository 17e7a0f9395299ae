import { AuthConfig } from '../auth/auth.config';
import { CacheConfig } from '../cache/cache.config';
import { BaseServiceConfig } from '../config/base-service.config';
import { composeConfig } from '../config/compose-config';
import { CronConfig } from '../cron/cron.config';
import { DatabaseConfig } from '../database/database.config';
import { EventsConfig } from '../events/events.config';
import { HttpClientConfig } from '../http/http-client.config';
import { MessagingConfig } from '../messaging/messaging.config';
import { RateLimitConfig } from '../rate-limit/rate-limit.config';
import { RedisConfig } from '../redis/redis.config';

/** The config slices of the capabilities InfrastructureModule wires into every service. */
export const PLATFORM_CONFIG_SLICES = [
  DatabaseConfig,
  RedisConfig,
  MessagingConfig,
  AuthConfig,
  EventsConfig,
  HttpClientConfig,
  CacheConfig,
  RateLimitConfig,
  CronConfig,
] as const;

/**
 * What an app's config class extends: the process settings plus every platform slice. Each
 * capability is given (and injects) only its own slice; the app adds its own variables.
 */
export abstract class PlatformServiceConfig extends composeConfig(
  BaseServiceConfig,
  ...PLATFORM_CONFIG_SLICES,
) {}
