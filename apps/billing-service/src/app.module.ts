import { type DynamicModule, Module } from '@nestjs/common';
import { InfrastructureModule } from '@cloudphone/shared';
import type { BillingServiceConfig } from './config/billing-service.config';
import { AccountsModule } from './modules/accounts/accounts.module';

@Module({})
export class AppModule {
  static forRoot(config: BillingServiceConfig): DynamicModule {
    return { module: AppModule, imports: [InfrastructureModule.forRoot({ config }), AccountsModule] };
  }
}
