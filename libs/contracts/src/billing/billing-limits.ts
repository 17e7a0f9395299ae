/**
 * Bounds shared by billing requests, so absurd values are a 400 rather than an overflow. The spec of
 * a balance check or usage record is one allocation's device, bounded by DEVICE_SPEC_BOUNDS.
 */
export const BILLING_FIELD_MAX = {
  /** 90 days: the longest allocation a balance check or usage record may describe. */
  seconds: 90 * 24 * 3600,
} as const;

/** Most usage records one `POST /billing/usage/batch` call may carry. */
export const USAGE_BATCH_MAX_ITEMS = 100;

/** A top-up amount: a positive integer of minor units, at most 999,999,999,999 (so balances cannot overflow). */
export const TOP_UP_AMOUNT_PATTERN = /^[1-9]\d{0,11}$/;

/** A payment reference (e.g. a PSP charge id): letters, digits and `._:-`, up to 128 characters. */
export const TOP_UP_REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * A price rate in micro-minor units per hour (1,000,000 = one minor unit per hour), from 0 to
 * 999,999,999,999; bounded so that no allocation's price can overflow a bigint.
 */
export const PRICE_RATE_PATTERN = /^(0|[1-9]\d{0,11})$/;
