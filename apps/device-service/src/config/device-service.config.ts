import { ALLOCATION_LIMITS, NODE_PROVIDERS, SERVICE_CATALOG } from '@cloudphone/contracts';
import { PlatformServiceConfig, EnvEnum, EnvInteger, EnvParsed, EnvString, EnvUrl } from '@cloudphone/shared';
import {
  DEFAULT_EXTENSION_POLICIES,
  EXTENSION_POLICIES_FORMAT,
  type ExtensionPolicies,
  parseExtensionPolicies,
} from './extension-policies.setting';
import { parsePoolAutoscale, POOL_AUTOSCALE_FORMAT, type PoolTarget } from './pool-autoscale.setting';

/** The drivers there are (the same list nodes may name for their own provider). */
export const DEVICE_PROVIDER_KINDS = NODE_PROVIDERS;
export type DeviceProviderKind = (typeof DEVICE_PROVIDER_KINDS)[number];

export class DeviceServiceConfig extends PlatformServiceConfig {
  readonly serviceName = SERVICE_CATALOG.device.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.device.port, min: 0, max: 65535 })
  port!: number;

  // Device providers (src/integrations/device-provider): which driver creates and destroys devices.
  @EnvEnum('DEVICE_PROVIDER', DEVICE_PROVIDER_KINDS, { default: 'simulated' })
  deviceProvider!: DeviceProviderKind;

  /**
   * The simulated provider is deterministic under this seed (latencies, failures, boot times, the
   * id sequence); ids also carry a random per-process session, so replicas never reuse one.
   */
  @EnvInteger('SIMULATED_PROVIDER_SEED', { default: 42, min: 0, max: 2_147_483_647 })
  simulatedProviderSeed!: number;

  /** Mean latency of a simulated provider call; each call takes 50–150 % of it. */
  @EnvInteger('SIMULATED_PROVIDER_LATENCY_MS', { default: 50, min: 0, max: 60_000 })
  simulatedProviderLatencyMs!: number;

  /** Share of simulated provider calls that fail, to exercise error paths in development. */
  @EnvInteger('SIMULATED_PROVIDER_FAILURE_PERCENT', { default: 0, min: 0, max: 100 })
  simulatedProviderFailurePercent!: number;

  // Redroid provider (DEVICE_PROVIDER=redroid, redroid-device.provider.ts): Android containers on
  // one Docker host, driven through its Engine API.
  /**
   * The Docker Engine API of the device host, e.g. `http://10.0.0.5:2375` or a socket proxy in
   * front of it. Whoever reaches it is root on that host, so it belongs on a private network.
   * Required when DEVICE_PROVIDER=redroid (see requiredRedroidDockerUrl).
   */
  @EnvUrl('REDROID_DOCKER_URL', { protocols: ['http', 'https'], optional: true })
  redroidDockerUrl?: string;

  /**
   * Engine API version in every path (`/v1.44/...`): 1.44 is Docker 25 and the oldest Docker 29
   * accepts. Lower it for an older Docker: every call and field used exists since 1.25.
   */
  @EnvString('REDROID_API_VERSION', {
    default: '1.44',
    pattern: /^1\.\d{2}$/,
    description: 'an API version like 1.44',
  })
  redroidApiVersion!: string;

  /** Image of new devices; its tag decides their Android version. It must be pulled on the host beforehand. */
  @EnvString('REDROID_IMAGE', { default: 'redroid/redroid:13.0.0-latest', pattern: /^\w[\w.:@/-]{0,254}$/ })
  redroidImage!: string;

  /** Redroid boot arguments, space-separated `key=value` (screen size, density, GPU mode). */
  @EnvString('REDROID_BOOT_ARGS', {
    default:
      'androidboot.redroid_width=720 androidboot.redroid_height=1280 androidboot.redroid_dpi=320 androidboot.redroid_gpu_mode=guest',
    pattern: /^[\w.]+=\S*( +[\w.]+=\S*)*$/,
    description: 'space-separated key=value boot arguments',
  })
  redroidBootArgs!: string;

  /** Host the access gateway connects to for a device's mapped ADB port (the Docker host as this service sees it). */
  @EnvString('REDROID_ADVERTISED_HOST', { default: '127.0.0.1', pattern: /^[\w.:-]{1,253}$/ })
  redroidAdvertisedHost!: string;

  /**
   * Host address Docker publishes each device's ADB port on. Redroid's ADB asks for no key, so only
   * the gateway may reach it: 127.0.0.1 when the gateway runs on the Docker host, else a private address.
   */
  @EnvString('REDROID_ADB_BIND_IP', { default: '127.0.0.1', pattern: /^[\da-fA-F.:]{2,45}$/ })
  redroidAdbBindIp!: string;

  /** Deadline of one Docker call; a stop or reboot also gets the 10 s Android has to shut down. */
  @EnvInteger('REDROID_TIMEOUT_MS', { default: 30_000, min: 100, max: 300_000 })
  redroidTimeoutMs!: number;

  /**
   * REDROID_DOCKER_URL, which DEVICE_PROVIDER=redroid needs; the driver's factory asks for it, so
   * without it the start stops naming the variable. `requiredUnless` cannot say "required when":
   * it exempts one named value, and an unset DEVICE_PROVIDER (meaning `simulated`) is not that value.
   */
  requiredRedroidDockerUrl(): string {
    if (this.redroidDockerUrl === undefined) {
      throw new Error(
        'REDROID_DOCKER_URL is required when DEVICE_PROVIDER=redroid (expected a URL starting with http:// or https://)',
      );
    }
    return this.redroidDockerUrl;
  }

  /** `POST /devices` waits this long for a new device to boot; one that does not is destroyed again. */
  @EnvInteger('DEVICE_PROVIDER_READY_TIMEOUT_MS', { default: 60_000, min: 1, max: 600_000 })
  deviceProviderReadyTimeoutMs!: number;

  /** A released device must be wiped by its provider and run again within this time, or it is `failed`. */
  @EnvInteger('DEVICE_RESET_TIMEOUT_MS', { default: 120_000, min: 1000, max: 1_800_000 })
  deviceResetTimeoutMs!: number;

  /** Wipes one replica runs at once: what a burst of releases may ask of the provider together. */
  @EnvInteger('DEVICE_RESET_CONCURRENCY', { default: 32, min: 1, max: 500 })
  deviceResetConcurrency!: number;

  /** Failed health probes in a row after which a device is `failed` (and its allocation moved). */
  @EnvInteger('DEVICE_HEALTH_FAILURE_THRESHOLD', { default: 3, min: 1, max: 100 })
  deviceHealthFailureThreshold!: number;

  /** Health probes one replica sends its provider at once. */
  @EnvInteger('DEVICE_HEALTH_CONCURRENCY', { default: 16, min: 1, max: 500 })
  deviceHealthConcurrency!: number;

  /** Pools autoscale-pool keeps between a minimum and a maximum of free devices ([]: off). */
  @EnvParsed('POOL_AUTOSCALE', { default: [], description: POOL_AUTOSCALE_FORMAT, parse: parsePoolAutoscale })
  poolAutoscale!: PoolTarget[];

  // Access gateway (src/modules/access): how renters reach their device while they rent it.
  /** Host renters connect to (in `access.adbEndpoint`); the address of this host as they see it. */
  @EnvString('ACCESS_GATEWAY_PUBLIC_HOST', { default: '127.0.0.1', pattern: /^[\w.:-]{1,253}$/ })
  accessGatewayPublicHost!: string;

  /** Interface the gateway's per-device ADB ports listen on. */
  @EnvString('ACCESS_GATEWAY_BIND_HOST', { default: '0.0.0.0', pattern: /^[\w.:-]{1,253}$/ })
  accessGatewayBindHost!: string;

  /** A device's ADB port is this plus its access slot (1, 2, …); slots past 65535 get no port. */
  @EnvInteger('ACCESS_GATEWAY_PORT_BASE', { default: 40_000, min: 1024, max: 65_000 })
  accessGatewayPortBase!: number;

  /** How often each replica matches its listeners and open sessions to the live allocations. */
  @EnvInteger('ACCESS_GATEWAY_SYNC_MS', { default: 2000, min: 100, max: 60_000 })
  accessGatewaySyncMs!: number;

  /** Base of `access.streamUrl`: this service as renters reach it (through the ingress in production). */
  @EnvUrl('ACCESS_PUBLIC_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30002' })
  accessPublicUrl!: string;

  // Platform services (src/integrations/platform-services): where the typed domain clients call
  // and what a check does when its target is unavailable. USER_SERVICE_URL (userServiceUrl) is a
  // shared setting (AuthConfig): every service asks user-service about API keys.
  @EnvUrl('BILLING_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30005' })
  billingServiceUrl!: string;

  /**
   * An allocation whose quota report user-service cannot take: `deny` answers 503 (and gives back
   * any quota taken), `allow` lets it through and sends the report once user-service is back.
   */
  @EnvEnum('QUOTA_CHECK_WHEN_UNAVAILABLE', ['deny', 'allow'] as const, { default: 'deny' })
  quotaCheckWhenUnavailable!: 'deny' | 'allow';

  /** The balance check while billing-service is unavailable: `deny` answers 503, `allow` lets it through. */
  @EnvEnum('BALANCE_CHECK_WHEN_UNAVAILABLE', ['deny', 'allow'] as const, { default: 'deny' })
  balanceCheckWhenUnavailable!: 'deny' | 'allow';

  // Allocation scheduler (src/modules/allocations).
  @EnvInteger('ALLOCATION_MAX_DURATION_MINUTES', {
    default: 1440,
    min: 1,
    max: ALLOCATION_LIMITS.maxDurationMinutes,
  })
  allocationMaxDurationMinutes!: number;

  /**
   * Admission control of allocate calls, per process: this many run at once (each holds a claim
   * while user-service and billing-service answer), the rest wait in arrival order, holding nothing.
   */
  @EnvInteger('ALLOCATE_MAX_IN_FLIGHT', { default: 8, min: 1, max: 10_000 })
  allocateMaxInFlight!: number;

  /** Allocate calls that may wait for admission at once; one more answers 503 ALLOCATION_BUSY at once. */
  @EnvInteger('ALLOCATE_MAX_QUEUED', { default: 1000, min: 0, max: 1_000_000 })
  allocateMaxQueued!: number;

  /** How long an allocate call may wait for admission before it answers 503 ALLOCATION_BUSY. */
  @EnvInteger('ALLOCATE_MAX_WAIT_MS', { default: 10_000, min: 1, max: 600_000 })
  allocateMaxWaitMs!: number;

  /**
   * How long a device may stay claimed (`pending`) while quota and balance are confirmed. A claim
   * older than this belongs to a request that died: a job fails it and gives its quota back.
   */
  @EnvInteger('ALLOCATION_CLAIM_TIMEOUT_MS', { default: 30_000, min: 1000, max: 600_000 })
  allocationClaimTimeoutMs!: number;

  /** `allocation.expiring` is published this many minutes before an allocation ends. */
  @EnvInteger('ALLOCATION_EXPIRY_WARNING_MINUTES', { default: 5, min: 1, max: 1440 })
  allocationExpiryWarningMinutes!: number;

  /**
   * Per-tier extension rules (max extensions, minutes per extension and in all, cooldown, how
   * close to the expiry), as overrides of DEFAULT_EXTENSION_POLICIES.
   */
  @EnvParsed('EXTENSION_POLICIES', {
    default: DEFAULT_EXTENSION_POLICIES,
    description: EXTENSION_POLICIES_FORMAT,
    parse: parseExtensionPolicies,
  })
  extensionPolicies!: ExtensionPolicies;

  // Reservations (src/modules/allocations/reservations).
  /** How far ahead a slot may be booked. */
  @EnvInteger('RESERVATION_MAX_ADVANCE_DAYS', { default: 30, min: 1, max: 365 })
  reservationMaxAdvanceDays!: number;

  /** A slot must start at least this many minutes after the booking (0: any future start). */
  @EnvInteger('RESERVATION_MIN_LEAD_MINUTES', { default: 1, min: 0, max: 10_080 })
  reservationMinLeadMinutes!: number;

  /** `reservation.reminder` is published this many minutes before a slot starts. */
  @EnvInteger('RESERVATION_REMINDER_MINUTES', { default: 15, min: 1, max: 10_080 })
  reservationReminderMinutes!: number;

  /** A confirmed reservation not activated this long after its start is a no-show (`missed`). */
  @EnvInteger('RESERVATION_NO_SHOW_MINUTES', { default: 10, min: 1, max: 1440 })
  reservationNoShowMinutes!: number;

  /** Share of the slot billed when it is cancelled late (0: cancelling is always free). */
  @EnvInteger('RESERVATION_CANCELLATION_FEE_PERCENT', { default: 0, min: 0, max: 100 })
  reservationCancellationFeePercent!: number;

  /** Cancelling at least this many minutes before the start is free whatever the fee. */
  @EnvInteger('RESERVATION_FREE_CANCELLATION_MINUTES', { default: 60, min: 0, max: 525_600 })
  reservationFreeCancellationMinutes!: number;

  // Priority queue (src/modules/allocations/queue).
  /** How long an entry waits when the request gives no maxWaitMinutes. */
  @EnvInteger('QUEUE_DEFAULT_MAX_WAIT_MINUTES', { default: 60, min: 1, max: 1440 })
  queueDefaultMaxWaitMinutes!: number;

  /** Priority an entry gains per minute waited (tiers start 10 points apart). */
  @EnvInteger('QUEUE_AGING_PER_MINUTE', { default: 1, min: 0, max: 1000 })
  queueAgingPerMinute!: number;

  /** Entries one serving pass tries, highest priority first. */
  @EnvInteger('QUEUE_SERVE_BATCH', { default: 50, min: 1, max: 1000 })
  queueServeBatch!: number;

  /** Ended allocations older than this move to `device_allocations_history` (daily job). */
  @EnvInteger('ALLOCATION_HISTORY_RETENTION_DAYS', { default: 30, min: 1, max: 3650 })
  allocationHistoryRetentionDays!: number;

  /** Rows one run of an allocation job handles per transaction. */
  @EnvInteger('ALLOCATION_JOB_BATCH_SIZE', { default: 200, min: 1, max: 5000 })
  allocationJobBatchSize!: number;

  /** `GET /scheduler/devices/available` is cached this long (and evicted on every change). */
  @EnvInteger('AVAILABLE_DEVICES_CACHE_TTL_MS', { default: 10_000, min: 100, max: 600_000 })
  availableDevicesCacheTtlMs!: number;
}
