import {
  PlatformServiceConfig,
  EnvBoolean,
  EnvEnum,
  EnvInteger,
  EnvString,
  EnvUrl,
} from '@cloudphone/shared';
import {
  CURRENCY_PATTERN,
  PAYMENT_PROVIDERS,
  type PaymentProviderKind,
  SERVICE_CATALOG,
} from '@cloudphone/contracts';

export class BillingServiceConfig extends PlatformServiceConfig {
  readonly serviceName = SERVICE_CATALOG.billing.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.billing.port, min: 0, max: 65535 })
  port!: number;

  // Billing (issue 5).
  /** `billing.balance_low` is emitted when a charge takes a balance from at least this to below it. */
  @EnvInteger('BILLING_LOW_BALANCE_THRESHOLD_MINOR', { default: 500, min: 0, max: 1_000_000_000_000 })
  lowBalanceThresholdMinor!: number;

  /** Currency of accounts created on first use, and of `GET /billing/pricing` without `currency`. */
  @EnvString('BILLING_DEFAULT_CURRENCY', {
    default: 'USD',
    pattern: CURRENCY_PATTERN,
    description: 'a three-letter upper-case ISO 4217 code',
  })
  defaultCurrency!: string;

  // Payments (issue 16): docs/payments.md.
  /** Who takes the money: `simulated` (development: anyone may complete their own payment) or `stripe`. */
  @EnvEnum('PAYMENT_PROVIDER', PAYMENT_PROVIDERS, { default: 'simulated' })
  paymentProvider!: PaymentProviderKind;

  /** A payment still open this long after its creation is asked about, then cancelled and `expired`. */
  @EnvInteger('PAYMENT_TIMEOUT_MINUTES', { default: 60, min: 1, max: 10_080 })
  paymentTimeoutMinutes!: number;

  /** Deadline of one call to the payment provider, retries included. */
  @EnvInteger('PAYMENT_PROVIDER_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000 })
  paymentProviderTimeoutMs!: number;

  /** Simulated provider: a new payment succeeds at once (through the webhook's crediting path). */
  @EnvBoolean('PAYMENT_SIMULATED_AUTO_COMPLETE', { default: false })
  paymentSimulatedAutoComplete!: boolean;

  /** Stripe's secret API key (`sk_…` or a restricted `rk_…`); required when PAYMENT_PROVIDER=stripe. */
  @EnvString('STRIPE_SECRET_KEY', {
    optional: true,
    pattern: /^(sk|rk)_[A-Za-z0-9_]{8,250}$/,
    description: 'a Stripe secret key (sk_… or rk_…)',
  })
  stripeSecretKey?: string;

  /** The signing secret of the webhook endpoint (`whsec_…`); required when PAYMENT_PROVIDER=stripe. */
  @EnvString('STRIPE_WEBHOOK_SECRET', {
    optional: true,
    pattern: /^whsec_[\x21-\x7e]{8,250}$/,
    description: 'a Stripe webhook signing secret (whsec_…)',
  })
  stripeWebhookSecret?: string;

  @EnvUrl('STRIPE_API_BASE_URL', { protocols: ['http', 'https'], default: 'https://api.stripe.com' })
  stripeApiBaseUrl!: string;

  /**
   * The Stripe keys PAYMENT_PROVIDER=stripe needs; without one the start stops naming it.
   * `requiredUnless` cannot say "required when" (an unset PAYMENT_PROVIDER means simulated).
   */
  requiredStripeKeys(): { secretKey: string; webhookSecret: string } {
    const missing = [
      this.stripeSecretKey === undefined ? 'STRIPE_SECRET_KEY' : null,
      this.stripeWebhookSecret === undefined ? 'STRIPE_WEBHOOK_SECRET' : null,
    ].filter((name) => name !== null);
    if (this.stripeSecretKey === undefined || this.stripeWebhookSecret === undefined) {
      const verb = missing.length > 1 ? 'are' : 'is';
      throw new Error(
        `${missing.join(' and ')} ${verb} required when PAYMENT_PROVIDER=stripe (docs/payments.md)`,
      );
    }
    return { secretKey: this.stripeSecretKey, webhookSecret: this.stripeWebhookSecret };
  }

  // Invoices (issue 16).
  /** An invoice with an amount due is `overdue` this many days after it was issued. */
  @EnvInteger('INVOICE_DUE_DAYS', { default: 14, min: 0, max: 365 })
  invoiceDueDays!: number;

  /**
   * How many complete months back the invoice generator looks for account-months without an invoice
   * (catch-up after missed runs; also bounds the first run on existing ledgers).
   */
  @EnvInteger('INVOICE_BACKFILL_MONTHS', { default: 3, min: 1, max: 24 })
  invoiceBackfillMonths!: number;

  // Running allocations charged in slices (issue 16).
  /**
   * The meter-running-allocations job charges a running allocation once it has run at least this
   * long uncharged, in whole multiples of it (so at most one slice per allocation per run).
   */
  @EnvInteger('METER_SLICE_MIN_SECONDS', { default: 3600, min: 60, max: 2_592_000 })
  meterSliceMinSeconds!: number;

  /**
   * Where the meter-running-allocations job asks device-service which allocations run (with the
   * service token): billing consumes no allocation events.
   */
  @EnvUrl('DEVICE_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30002' })
  deviceServiceUrl!: string;
}
