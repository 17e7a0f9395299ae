import { PlatformServiceConfig, EnvInteger, EnvString } from '@cloudphone/shared';
import { CURRENCY_PATTERN, SERVICE_CATALOG } from '@cloudphone/contracts';

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
}
