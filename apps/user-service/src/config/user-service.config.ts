import { BaseServiceConfig, EnvInteger } from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';

export class UserServiceConfig extends BaseServiceConfig {
  readonly serviceName = SERVICE_CATALOG.user.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.user.port, min: 0, max: 65535 })
  port!: number;
}
