import { BaseServiceConfig, EnvInteger } from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';

export class BillingServiceConfig extends BaseServiceConfig {
  readonly serviceName = SERVICE_CATALOG.billing.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.billing.port, min: 0, max: 65535 })
  port!: number;
}
