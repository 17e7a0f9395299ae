import 'reflect-metadata';
import { bootstrapService, loadConfigOrExit } from '@cloudphone/shared';
import { AppModule } from './app.module';
import { BillingServiceConfig } from './config/billing-service.config';

const config = loadConfigOrExit(BillingServiceConfig, process.env);
void bootstrapService({
  rootModule: AppModule.forRoot(config),
  config,
  port: config.port,
  description: 'Usage metering, accounts and balances, pricing, invoices and payments',
});
