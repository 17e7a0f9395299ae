import { Module } from '@nestjs/common';
import { HttpClientRegistry } from '@cloudphone/shared';
import { BillingServiceConfig } from '../../config/billing-service.config';
import { PAYMENT_PROVIDER } from './payment-provider';
import { createPaymentProvider, type PaymentProviderSettings } from './payment-provider.factory';

/** The settings of PAYMENT_PROVIDER's driver; stripe without its keys stops the start, naming them. */
export function paymentProviderSettings(config: BillingServiceConfig): PaymentProviderSettings {
  if (config.paymentProvider === 'simulated') {
    return { kind: 'simulated', autoComplete: config.paymentSimulatedAutoComplete };
  }
  const keys = config.requiredStripeKeys();
  return {
    kind: 'stripe',
    baseUrl: config.stripeApiBaseUrl,
    secretKey: keys.secretKey,
    webhookSecret: keys.webhookSecret,
    timeoutMs: config.paymentProviderTimeoutMs,
  };
}

/**
 * Provides the configured PaymentProvider under the PAYMENT_PROVIDER token. HttpClientRegistry comes
 * from the global InfrastructureModule, which also shuts its clients down with the app.
 */
@Module({
  providers: [
    {
      provide: PAYMENT_PROVIDER,
      inject: [BillingServiceConfig, HttpClientRegistry],
      useFactory: (config: BillingServiceConfig, registry: HttpClientRegistry) =>
        createPaymentProvider(paymentProviderSettings(config), registry),
    },
  ],
  exports: [PAYMENT_PROVIDER],
})
export class PaymentProviderModule {}
