import { type DynamicModule, Module } from '@nestjs/common';
import {
  CredentialsModule,
  DatabasePoolMonitorJob,
  InfrastructureModule,
  PlatformClientsModule,
  ServiceChargesModule,
} from '@cloudphone/shared';
import type { ProxyServiceConfig } from './config/proxy-service.config';
import { CostsModule } from './modules/proxies/costs/costs.module';
import { PoolModule } from './modules/proxies/pool/pool.module';
import { ProvidersModule } from './modules/proxies/providers/providers.module';
import { QualityModule } from './modules/proxies/quality/quality.module';
import { RentalsModule } from './modules/proxies/rentals/rentals.module';

@Module({})
export class AppModule {
  static forRoot(config: ProxyServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot({ config }),
        CredentialsModule.forRoot(config.credentialsKey),
        ServiceChargesModule.forRoot({ billingServiceUrl: config.billingServiceUrl }),
        PlatformClientsModule.forRoot(config),
        PoolModule,
        ProvidersModule,
        QualityModule,
        CostsModule,
        // Last: its `proxy/:id` routes must come after every static `proxy/<name>` route above.
        RentalsModule,
      ],
      providers: [DatabasePoolMonitorJob],
    };
  }
}
