import { EnvInteger, EnvString, EnvUrl, PlatformServiceConfig } from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';

export class ProxyServiceConfig extends PlatformServiceConfig {
  readonly serviceName = SERVICE_CATALOG.proxy.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.proxy.port, min: 0, max: 65535 })
  port!: number;

  // Platform services: where rentals are checked against allocations and users (USER_SERVICE_URL,
  // userServiceUrl, is a shared setting: AuthConfig), and charged.
  @EnvUrl('DEVICE_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30002' })
  deviceServiceUrl!: string;

  @EnvUrl('BILLING_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30005' })
  billingServiceUrl!: string;

  /**
   * The secret proxy and vendor credentials are encrypted with (AES-256-GCM under a key derived
   * from it). Changing it makes stored credentials unreadable: rotate by re-entering them.
   */
  @EnvString('VENDOR_CREDENTIALS_KEY', { minLength: 32, description: 'a secret of at least 32 characters' })
  credentialsKey!: string;

  /** What renters pay above the platform's cost, in percent (30: cost × 1.3). */
  @EnvInteger('PROXY_PRICE_MARKUP_PERCENT', { default: 30, min: 0, max: 1000 })
  priceMarkupPercent!: number;

  /** The currency proxy prices and charges are in (the renters' billing currency). */
  @EnvString('PROXY_CURRENCY', { default: 'USD', pattern: /^[A-Z]{3}$/, description: 'an ISO 4217 code' })
  currency!: string;

  // Quality (src/modules/proxies/quality): probes, scores and quarantine.
  /** What a probe fetches through each proxy: an address that answers quickly from anywhere. */
  @EnvUrl('PROXY_PROBE_TARGET_URL', {
    protocols: ['http', 'https'],
    default: 'http://connectivitycheck.gstatic.com/generate_204',
  })
  probeTargetUrl!: string;

  @EnvInteger('PROXY_PROBE_TIMEOUT_MS', { default: 5000, min: 100, max: 60_000 })
  probeTimeoutMs!: number;

  /**
   * Proxies one proxy-health-probe run probes (the least recently probed first). The default fits
   * its 55 s limit even when every probe times out: 128 / 16 at a time × 5 s = 40 s.
   */
  @EnvInteger('PROXY_PROBE_BATCH_SIZE', { default: 128, min: 1, max: 10_000 })
  probeBatchSize!: number;

  @EnvInteger('PROXY_PROBE_CONCURRENCY', { default: 16, min: 1, max: 500 })
  probeConcurrency!: number;

  /** Failed probes in a row after which a proxy is quarantined: no new renter gets it. */
  @EnvInteger('PROXY_QUARANTINE_AFTER_FAILURES', { default: 3, min: 1, max: 100 })
  quarantineAfterFailures!: number;

  @EnvInteger('PROXY_QUARANTINE_MINUTES', { default: 30, min: 1, max: 10_080 })
  quarantineMinutes!: number;

  /** Probes older than this leave the rolling score (and the table). */
  @EnvInteger('PROXY_PROBE_RETENTION_HOURS', { default: 24, min: 1, max: 720 })
  probeRetentionHours!: number;

  // Money (src/modules/proxies/costs): spend alerts.
  /** Spend per provider per UTC day that raises an alert, for providers without a budget of their own (0: none). */
  @EnvInteger('PROXY_DAILY_BUDGET_MICROS', { default: 0, min: 0, max: 999_999_999_999_999 })
  dailyBudgetMicros!: number;

  /** Seed of the simulated vendor (its proxies and their probe outcomes). */
  @EnvInteger('PROXY_SIMULATED_SEED', { default: 15, min: 0, max: 2_147_483_647 })
  simulatedSeed!: number;

  /** Proxies the simulated vendor offers to an import. */
  @EnvInteger('PROXY_SIMULATED_POOL_SIZE', { default: 60, min: 0, max: 10_000 })
  simulatedPoolSize!: number;

  /** Deadline of one call to a vendor's API. */
  @EnvInteger('PROXY_VENDOR_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000 })
  vendorTimeoutMs!: number;
}
