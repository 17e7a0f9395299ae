import { Module } from '@nestjs/common';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { HttpClientRegistry, MetricsService } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { BillingClient } from './billing.client';
import { QuotaClient } from './quota.client';
import { UserDirectoryClient } from './user-directory.client';

/**
 * device-service's clients of user-service (QuotaClient, UserDirectoryClient) and billing-service (BillingClient), built
 * on the shared HttpClientRegistry from USER_SERVICE_URL, BILLING_SERVICE_URL and
 * BALANCE_CHECK_WHEN_UNAVAILABLE. The allocations and usage-reports modules import it.
 */
@Module({
  providers: [
    {
      provide: QuotaClient,
      inject: [HttpClientRegistry, MetricsService, DeviceServiceConfig],
      useFactory: (registry: HttpClientRegistry, metrics: MetricsService, config: DeviceServiceConfig) =>
        new QuotaClient(
          registry.client({ name: SERVICE_CATALOG.user.name, baseUrl: config.userServiceUrl }),
          metrics,
          config.quotaCheckWhenUnavailable,
        ),
    },
    {
      provide: BillingClient,
      inject: [HttpClientRegistry, MetricsService, DeviceServiceConfig],
      useFactory: (registry: HttpClientRegistry, metrics: MetricsService, config: DeviceServiceConfig) =>
        new BillingClient(
          registry.client({ name: SERVICE_CATALOG.billing.name, baseUrl: config.billingServiceUrl }),
          metrics,
          { checkWhenUnavailable: config.balanceCheckWhenUnavailable },
        ),
    },
    {
      provide: UserDirectoryClient,
      inject: [HttpClientRegistry, MetricsService, DeviceServiceConfig],
      useFactory: (registry: HttpClientRegistry, metrics: MetricsService, config: DeviceServiceConfig) =>
        new UserDirectoryClient(
          registry.client({ name: SERVICE_CATALOG.user.name, baseUrl: config.userServiceUrl }),
          metrics,
          config.quotaCheckWhenUnavailable,
        ),
    },
  ],
  exports: [QuotaClient, BillingClient, UserDirectoryClient],
})
export class PlatformServicesModule {}
