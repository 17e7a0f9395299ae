import { loadConfig } from '@cloudphone/shared';
import { BillingServiceConfig } from '../../config/billing-service.config';
import { paymentProviderSettings } from './payment-provider.module';

const REQUIRED = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  JWT_SECRET: 'j'.repeat(32),
  SERVICE_TOKEN_SECRET: 's'.repeat(32),
};
const STRIPE = {
  PAYMENT_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_0123456789abcdef',
  STRIPE_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
};

describe('payment provider settings', () => {
  it('defaults to the simulated provider, which needs no keys', () => {
    const config = loadConfig(BillingServiceConfig, REQUIRED);
    expect(config).toMatchObject({ paymentProvider: 'simulated', paymentTimeoutMinutes: 60 });
    expect(paymentProviderSettings(config)).toEqual({ kind: 'simulated', autoComplete: false });
  });

  it('builds Stripe’s settings from its variables, api.stripe.com by default', () => {
    expect(paymentProviderSettings(loadConfig(BillingServiceConfig, { ...REQUIRED, ...STRIPE }))).toEqual({
      kind: 'stripe',
      baseUrl: 'https://api.stripe.com',
      secretKey: STRIPE.STRIPE_SECRET_KEY,
      webhookSecret: STRIPE.STRIPE_WEBHOOK_SECRET,
      timeoutMs: 10_000,
    });
  });

  it.each([
    [
      'STRIPE_SECRET_KEY',
      { STRIPE_SECRET_KEY: '' },
      /^STRIPE_SECRET_KEY is required when PAYMENT_PROVIDER=stripe/,
    ],
    ['STRIPE_WEBHOOK_SECRET', { STRIPE_WEBHOOK_SECRET: '' }, /^STRIPE_WEBHOOK_SECRET is required/],
    [
      'both',
      { STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' },
      /STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required/,
    ],
  ])('stops the start naming %s when Stripe lacks it', (_name, missing, message) => {
    const config = loadConfig(BillingServiceConfig, { ...REQUIRED, ...STRIPE, ...missing });
    expect(() => paymentProviderSettings(config)).toThrow(message);
  });

  it('refuses malformed values, naming each variable and never echoing a secret', () => {
    let message = '';
    try {
      loadConfig(BillingServiceConfig, {
        ...REQUIRED,
        PAYMENT_PROVIDER: 'paypal',
        STRIPE_SECRET_KEY: 'pk_live_publishable_not_secret',
        STRIPE_WEBHOOK_SECRET: 'not-a-whsec',
        PAYMENT_TIMEOUT_MINUTES: '0',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of [
      'PAYMENT_PROVIDER',
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'PAYMENT_TIMEOUT_MINUTES',
    ]) {
      expect(message).toContain(variable);
    }
    expect(message).not.toContain('pk_live_publishable_not_secret');
    expect(message).not.toContain('not-a-whsec');
  });
});
