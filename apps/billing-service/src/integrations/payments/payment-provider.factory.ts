import type { PaymentProviderKind } from '@cloudphone/contracts';
import type { HttpClientRegistry } from '@cloudphone/shared';
import type { PaymentProvider } from './payment-provider';
import { SimulatedPaymentProvider } from './simulated-payment-provider';
import { StripePaymentProvider } from './stripe-payment-provider';

export type PaymentProviderSettings =
  | { kind: Extract<PaymentProviderKind, 'simulated'>; autoComplete: boolean }
  | {
      kind: Extract<PaymentProviderKind, 'stripe'>;
      baseUrl: string;
      secretKey: string;
      webhookSecret: string;
      timeoutMs: number;
    };

/** The driver `settings.kind` names, built from its settings (the service's config supplies them). */
export function createPaymentProvider(
  settings: PaymentProviderSettings,
  registry: HttpClientRegistry,
): PaymentProvider {
  switch (settings.kind) {
    case 'simulated':
      return new SimulatedPaymentProvider({ autoComplete: settings.autoComplete });
    case 'stripe':
      return new StripePaymentProvider(
        {
          baseUrl: settings.baseUrl,
          secretKey: settings.secretKey,
          webhookSecret: settings.webhookSecret,
          timeoutMs: settings.timeoutMs,
        },
        registry,
      );
  }
}
