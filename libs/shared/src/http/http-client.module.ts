import { type DynamicModule, Module } from '@nestjs/common';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { TokenService } from '../auth/token.service';
import type { BaseServiceConfig } from '../config/base-service.config';
import { MetricsService } from '../metrics/metrics.service';
import { BillingClient } from './billing.client';
import { httpClientPolicyFromConfig } from './http-client.policy';
import { HttpClientRegistry } from './http-client.registry';
import { QuotaClient } from './quota.client';

/**
 * The HTTP client registry and the typed clients, configured from BaseServiceConfig. Imported and
 * re-exported by InfrastructureModule.forRoot, so every app can inject QuotaClient, BillingClient
 * or HttpClientRegistry (TokenService and MetricsService come from that global module).
 */
@Module({})
export class HttpClientModule {
  static forRoot(config: BaseServiceConfig): DynamicModule {
    return {
      module: HttpClientModule,
      providers: [
        {
          provide: HttpClientRegistry,
          inject: [TokenService, MetricsService],
          useFactory: (tokens: TokenService, metrics: MetricsService) =>
            new HttpClientRegistry(httpClientPolicyFromConfig(config), {
              metrics,
              serviceToken: () => tokens.serviceToken(),
            }),
        },
        {
          provide: QuotaClient,
          inject: [HttpClientRegistry, MetricsService],
          useFactory: (registry: HttpClientRegistry, metrics: MetricsService) =>
            new QuotaClient(
              registry.client({ name: SERVICE_CATALOG.user.name, baseUrl: config.userServiceUrl }),
              metrics,
              { checkWhenUnavailable: config.quotaCheckWhenUnavailable },
            ),
        },
        {
          provide: BillingClient,
          inject: [HttpClientRegistry, MetricsService],
          useFactory: (registry: HttpClientRegistry, metrics: MetricsService) =>
            new BillingClient(
              registry.client({ name: SERVICE_CATALOG.billing.name, baseUrl: config.billingServiceUrl }),
              metrics,
              { checkWhenUnavailable: config.balanceCheckWhenUnavailable },
            ),
        },
      ],
      exports: [HttpClientRegistry, QuotaClient, BillingClient],
    };
  }
}
