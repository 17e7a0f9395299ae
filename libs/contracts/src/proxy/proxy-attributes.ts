export const PROXY_PROTOCOLS = ['http', 'https', 'socks5'] as const;
export type ProxyProtocol = (typeof PROXY_PROTOCOLS)[number];

export const PROXY_TYPES = ['residential', 'datacenter', 'mobile'] as const;
export type ProxyType = (typeof PROXY_TYPES)[number];

/** available: may be rented; assigned: rented now; retired: never again. Quarantine is a time. */
export const PROXY_STATUSES = ['available', 'assigned', 'retired'] as const;
export type ProxyStatus = (typeof PROXY_STATUSES)[number];

/** The states the pool is reported in: a status, with quarantined proxies counted apart. */
export const PROXY_POOL_STATES = ['available', 'assigned', 'quarantined', 'retired'] as const;
export type ProxyPoolState = (typeof PROXY_POOL_STATES)[number];

/** manual: added by hand; simulated: the seeded development vendor; webshare: Webshare's API. */
export const PROXY_PROVIDER_KINDS = ['manual', 'simulated', 'webshare'] as const;
export type ProxyProviderKind = (typeof PROXY_PROVIDER_KINDS)[number];

/** Why a rental ended. */
export const PROXY_RENTAL_END_REASONS = [
  'released',
  'expired',
  'allocation_ended',
  'user_gone',
  'account_overdue',
  'proxy_retired',
] as const;
export type ProxyRentalEndReason = (typeof PROXY_RENTAL_END_REASONS)[number];

export const PROXY_ALERT_KINDS = ['budget_exceeded', 'provider_failing', 'pool_exhausted'] as const;
export type ProxyAlertKind = (typeof PROXY_ALERT_KINDS)[number];
export const PROXY_ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type ProxyAlertStatus = (typeof PROXY_ALERT_STATUSES)[number];

/** Bounds shared by the DTOs and the CHECKs of proxy-service migration 0002. */
export const PROXY_LIMITS = {
  countryCodePattern: /^[A-Z]{2}$/,
  /** A hostname or an IPv4/IPv6 address: letters, digits, dots, hyphens, colons (no spaces, no scheme). */
  hostPattern: /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/,
  credentialMaxLength: 256,
  cityMaxLength: 100,
  providerNamePattern: /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/,
  /** Rates in micro-minor units (1,000,000 = one cent). */
  maxRateMicros: 999_999_999_999,
  maxDailyBudgetMicros: 999_999_999_999_999,
  minStickyMinutes: 1,
  /** A rental holds its exit for at most a day per renewal. */
  maxStickyMinutes: 1440,
  batchMax: 100,
} as const;
