import { PlatformServiceConfig, EnvInteger } from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';

export class NotificationServiceConfig extends PlatformServiceConfig {
  readonly serviceName = SERVICE_CATALOG.notification.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.notification.port, min: 0, max: 65535 })
  port!: number;
}
