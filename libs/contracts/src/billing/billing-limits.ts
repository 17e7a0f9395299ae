/** Bounds shared by billing requests, so absurd values are a 400 rather than an overflow. */
export const BILLING_FIELD_MAX = {
  /** 90 days: the longest allocation a balance check or usage record may describe. */
  seconds: 90 * 24 * 3600,
  cpuCores: 1024,
  memoryMb: 4_194_304,
  storageGb: 1_048_576,
} as const;

/** Most usage records one `POST /billing/usage/batch` call may carry. */
export const USAGE_BATCH_MAX_ITEMS = 100;
