export {
  type CreatedProviderPayment,
  type CreatePaymentIntent,
  PAYMENT_PROVIDER,
  type PaymentEvent,
  type PaymentProvider,
  type ProviderPayment,
  type ProviderPaymentState,
  type WebhookHeaders,
} from './payment-provider';
export { PaymentProviderError, type PaymentProviderErrorCode } from './payment-provider.error';
export { createPaymentProvider, type PaymentProviderSettings } from './payment-provider.factory';
export { PaymentProviderModule, paymentProviderSettings } from './payment-provider.module';
export { SimulatedPaymentProvider, type SimulatedPaymentProviderOptions } from './simulated-payment-provider';
export {
  StripePaymentProvider,
  STRIPE_API_VERSION,
  type StripePaymentProviderOptions,
} from './stripe-payment-provider';
export { stripeForm, type StripeParam } from './stripe-form';
export {
  STRIPE_SIGNATURE_TOLERANCE_SECONDS,
  stripeSignature,
  stripeSignatureHeader,
  verifyStripeSignature,
} from './stripe-signature';
