import type { ServiceEntry } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { BillingServiceConfig } from './config/billing-service.config';

/** How billing-service runs: alone (main.ts) or in the standalone host. */
export const serviceEntry: ServiceEntry<BillingServiceConfig> = {
  configClass: BillingServiceConfig,
  rootModule: (config) => AppModule.forRoot(config),
  description: 'Usage metering, accounts and balances, pricing, invoices and payments',
};
