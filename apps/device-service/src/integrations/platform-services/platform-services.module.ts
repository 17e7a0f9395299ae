import { Module, type Provider } from '@nestjs/common';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { type HttpClient, HttpClientRegistry, MetricsService } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { BillingClient } from './billing.client';
import { QuotaClient } from './quota.client';
import { UserDirectoryClient } from './user-directory.client';

/**
 * device-service's clients of user-service (QuotaClient, UserDirectoryClient) and billing-service (BillingClient), built
 * on the shared HttpClientRegistry from USER_SERVICE_URL, BILLING_SERVICE_URL and
 * QUOTA_CHECK_WHEN_UNAVAILABLE and BALANCE_CHECK_WHEN_UNAVAILABLE. The allocations and usage-reports modules import it.
 */
/** A provider of one client, built from the shared registry's client of `target` and the config. */
function platformClient<T>(
  provide: new (...args: never[]) => T,
  target: 'user' | 'billing',
  build: (http: HttpClient, metrics: MetricsService, config: DeviceServiceConfig) => T,
): Provider {
  return {
    provide,
    inject: [HttpClientRegistry, MetricsService, DeviceServiceConfig],
    useFactory: (registry: HttpClientRegistry, metrics: MetricsService, config: DeviceServiceConfig) =>
      build(
        registry.client({
          name: SERVICE_CATALOG[target].name,
          baseUrl: target === 'user' ? config.userServiceUrl : config.billingServiceUrl,
        }),
        metrics,
        config,
      ),
  };
}

@Module({
  providers: [
    platformClient(
      QuotaClient,
      'user',
      (http, metrics, config) => new QuotaClient(http, metrics, config.quotaCheckWhenUnavailable),
    ),
    platformClient(
      UserDirectoryClient,
      'user',
      (http, metrics, config) => new UserDirectoryClient(http, metrics, config.quotaCheckWhenUnavailable),
    ),
    platformClient(
      BillingClient,
      'billing',
      (http, metrics, config) =>
        new BillingClient(http, metrics, { checkWhenUnavailable: config.balanceCheckWhenUnavailable }),
    ),
  ],
  exports: [QuotaClient, BillingClient, UserDirectoryClient],
})
export class PlatformServicesModule {}
