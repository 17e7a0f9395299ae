import { EnvInteger, EnvParsed, EnvString, EnvUrl, PlatformServiceConfig } from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import {
  CODE_PATTERNS_FORMAT,
  CURRENCY_RATES_FORMAT,
  parseCodePatterns,
  parseCurrencyRates,
  parsePoolTargets,
  parseServicePrices,
  POOL_TARGETS_FORMAT,
  type PoolTarget,
  SERVICE_PRICES_FORMAT,
} from './sms-settings';

export class SmsReceiveServiceConfig extends PlatformServiceConfig {
  readonly serviceName = SERVICE_CATALOG.smsReceive.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.smsReceive.port, min: 0, max: 65535 })
  port!: number;

  // Platform services: where numbers are checked against allocations, and charged. (Users that go
  // away are heard of through user.deleted/suspended; their numbers end by themselves anyway.)
  @EnvUrl('DEVICE_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30002' })
  deviceServiceUrl!: string;

  @EnvUrl('BILLING_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30005' })
  billingServiceUrl!: string;

  /** Encrypts the vendors' API keys it stores (AES-256-GCM under a key derived from it). */
  @EnvString('VENDOR_CREDENTIALS_KEY', { minLength: 32, description: 'a secret of at least 32 characters' })
  credentialsKey!: string;

  // Money: what a code costs its user, charged once when it arrives.
  @EnvString('SMS_CURRENCY', { default: 'USD', pattern: /^[A-Z]{3}$/, description: 'an ISO 4217 code' })
  currency!: string;

  /** Minor units a code costs when its service has no price of its own. */
  @EnvInteger('SMS_PRICE_MINOR', { default: 50, min: 0, max: 1_000_000 })
  defaultPriceMinor!: number;

  @EnvParsed('SMS_SERVICE_PRICES', {
    default: new Map(),
    description: SERVICE_PRICES_FORMAT,
    parse: parseServicePrices,
  })
  servicePrices!: Map<string, number>;

  /** What one unit of a provider's currency is worth in SMS_CURRENCY, to compare providers' prices. */
  @EnvParsed('SMS_CURRENCY_RATES', {
    default: parseCurrencyRates('USD:1,EUR:1.08,GBP:1.27,RUB:0.011'),
    description: CURRENCY_RATES_FORMAT,
    parse: parseCurrencyRates,
  })
  currencyRates!: Map<string, number>;

  /** Patterns that find the code in a service's messages, over the built-in ones. */
  @EnvParsed('SMS_CODE_PATTERNS', {
    default: new Map(),
    description: CODE_PATTERNS_FORMAT,
    parse: parseCodePatterns,
  })
  codePatterns!: Map<string, RegExp>;

  // Polling (sms-message-polling, every 10 s).
  @EnvInteger('SMS_POLL_BATCH_SIZE', { default: 200, min: 1, max: 5000 })
  pollBatchSize!: number;

  @EnvInteger('SMS_POLL_CONCURRENCY', { default: 16, min: 1, max: 200 })
  pollConcurrency!: number;

  // The warm pool (number-pool-refill / number-pool-release).
  @EnvParsed('SMS_POOL_TARGETS', { default: [], description: POOL_TARGETS_FORMAT, parse: parsePoolTargets })
  poolTargets!: PoolTarget[];

  /** What the pool may cost per UTC day, in SMS_CURRENCY minor units (0: no pool). */
  @EnvInteger('SMS_POOL_DAILY_BUDGET_MINOR', { default: 0, min: 0, max: 1_000_000_000 })
  poolDailyBudgetMinor!: number;

  /** A pooled number this close to its expiry is given back (refunded) instead of handed out. */
  @EnvInteger('SMS_POOL_MIN_REMAINING_SECONDS', { default: 300, min: 10, max: 3600 })
  poolMinRemainingSeconds!: number;

  // Blacklist and health.
  /** Numbers that expired without a code this often within SMS_BLACKLIST_DAYS are blocked. */
  @EnvInteger('SMS_BLACKLIST_NUMBER_FAILURES', { default: 2, min: 1, max: 100 })
  blacklistNumberFailures!: number;

  @EnvInteger('SMS_BLACKLIST_DAYS', { default: 7, min: 1, max: 90 })
  blacklistDays!: number;

  /** A provider whose last SMS_PROVIDER_WINDOW numbers got a code less often than this is blocked. */
  @EnvInteger('SMS_PROVIDER_MIN_SUCCESS_PERCENT', { default: 20, min: 0, max: 100 })
  providerMinSuccessPercent!: number;

  @EnvInteger('SMS_PROVIDER_WINDOW', { default: 20, min: 1, max: 10_000 })
  providerWindow!: number;

  @EnvInteger('SMS_PROVIDER_BLOCK_MINUTES', { default: 60, min: 1, max: 10_080 })
  providerBlockMinutes!: number;

  /** Failed health checks in a row after which a provider is unhealthy (not chosen). */
  @EnvInteger('SMS_HEALTH_FAILURE_THRESHOLD', { default: 3, min: 1, max: 100 })
  healthFailureThreshold!: number;

  @EnvInteger('SMS_VENDOR_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000 })
  vendorTimeoutMs!: number;

  /** The currency of the 5sim accounts' balances and prices (5sim accounts are in roubles by default). */
  @EnvString('SMS_FIVESIM_CURRENCY', {
    default: 'RUB',
    pattern: /^[A-Z]{3}$/,
    description: 'an ISO 4217 code',
  })
  fivesimCurrency!: string;

  // The simulated vendor (development and tests).
  @EnvInteger('SMS_SIMULATED_SEED', { default: 15, min: 0, max: 2_147_483_647 })
  simulatedSeed!: number;

  @EnvInteger('SMS_SIMULATED_SUCCESS_PERCENT', { default: 85, min: 0, max: 100 })
  simulatedSuccessPercent!: number;

  @EnvInteger('SMS_SIMULATED_MIN_DELAY_MS', { default: 5000, min: 0, max: 3_600_000 })
  simulatedMinDelayMs!: number;

  @EnvInteger('SMS_SIMULATED_MAX_DELAY_MS', { default: 60_000, min: 0, max: 3_600_000 })
  simulatedMaxDelayMs!: number;

  @EnvInteger('SMS_SIMULATED_LIFETIME_MINUTES', { default: 20, min: 1, max: 1440 })
  simulatedLifetimeMinutes!: number;
}
