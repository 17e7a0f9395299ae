import { BaseServiceConfig, EnvInteger } from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';

export class DeviceServiceConfig extends BaseServiceConfig {
  readonly serviceName = SERVICE_CATALOG.device.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.device.port, min: 0, max: 65535 })
  port!: number;
}
