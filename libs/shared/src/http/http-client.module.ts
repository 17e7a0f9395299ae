import { type DynamicModule, Module } from '@nestjs/common';
import { TokenService } from '../auth/token.service';
import { MetricsService } from '../metrics/metrics.service';
import type { HttpClientConfig } from './http-client.config';
import { httpClientPolicyFromConfig } from './http-client.policy';
import { HttpClientRegistry } from './http-client.registry';

/**
 * The HTTP client registry, configured from HttpClientConfig. Imported and re-exported by
 * InfrastructureModule.forRoot, so every app can inject HttpClientRegistry (TokenService and
 * MetricsService come from that global module). Typed clients of another service live with their
 * caller (`apps/<svc>/src/integrations/<kind>/`) and are built from this registry.
 */
@Module({})
export class HttpClientModule {
  static forRoot(config: HttpClientConfig): DynamicModule {
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
      ],
      exports: [HttpClientRegistry],
    };
  }
}
