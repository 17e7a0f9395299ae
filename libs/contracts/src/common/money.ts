/**
 * Money crosses service boundaries as **integer minor units (cents) written as a decimal string**,
 * e.g. `"1250"` for 12.50 USD, together with an ISO 4217 `currency`. Strings, because balances are
 * Postgres `bigint` (which pg returns as strings) and JSON numbers lose precision past 2^53; never
 * floats. Balances may be negative (an overdrawn account); amounts charged are never negative.
 */
export const MINOR_UNITS_PATTERN = /^-?(0|[1-9]\d{0,17})$/;

/** A three-letter ISO 4217 currency code. */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
