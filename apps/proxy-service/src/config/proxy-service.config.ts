import { PlatformServiceConfig, EnvInteger } from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';

export class ProxyServiceConfig extends PlatformServiceConfig {
  readonly serviceName = SERVICE_CATALOG.proxy.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.proxy.port, min: 0, max: 65535 })
  port!: number;
}
