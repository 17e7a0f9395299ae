import { PlatformServiceConfig, EnvInteger } from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';

export class SmsReceiveServiceConfig extends PlatformServiceConfig {
  readonly serviceName = SERVICE_CATALOG.smsReceive.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.smsReceive.port, min: 0, max: 65535 })
  port!: number;
}
