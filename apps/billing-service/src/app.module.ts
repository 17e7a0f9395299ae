import { type DynamicModule, Module } from '@nestjs/common';
import { DatabasePoolMonitorJob, InfrastructureModule, PlatformClientsModule } from '@cloudphone/shared';
import type { BillingServiceConfig } from './config/billing-service.config';
import { AccountsModule } from './modules/accounts/accounts.module';
import { ChargesModule } from './modules/charges/charges.module';
import { InvoicesModule } from './modules/invoices/invoices.module';
import { CouponsModule } from './modules/coupons/coupons.module';
import { PaymentsModule } from './modules/payments/payments.module';
import { PricingModule } from './modules/pricing/pricing.module';
import { UsageModule } from './modules/usage/usage.module';

@Module({})
export class AppModule {
  static forRoot(config: BillingServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot({ config }),
        // The meter-running-allocations job's list of active allocations.
        PlatformClientsModule.forRoot({ deviceServiceUrl: config.deviceServiceUrl }),
        AccountsModule,
        PricingModule,
        UsageModule,
        ChargesModule,
        InvoicesModule,
        CouponsModule,
        PaymentsModule,
      ],
      providers: [DatabasePoolMonitorJob],
    };
  }
}
