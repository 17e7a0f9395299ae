import { type DynamicModule, Module } from '@nestjs/common';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { TokenService } from '../auth/token.service';
import { MetricsService } from '../metrics/metrics.service';
import { BillingClient } from './billing.client';
import type { HttpClientConfig } from './http-client.config';
import { httpClientPolicyFromConfig } from './http-client.policy';
import { HttpClientRegistry } from './http-client.registry';
import { QuotaClient } from './quota.client';
import type { ServiceClientsConfig } from './service-clients.config';

/**
 * The HTTP client registry and the typed clients, configured from their config slices. Imported and
 * re-exported by InfrastructureModule.forRoot, so every app can inject QuotaClient, BillingClient
 * or HttpClientRegistry (TokenService and MetricsService come from that global module).
 */
@Module({})
export class HttpClientModule {
  static forRoot(config: HttpClientConfig & ServiceClientsConfig): DynamicModule {
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
