/**
 * pooled: rented by the platform ahead of demand (the warm pool), nobody's yet; waiting: a user's,
 * no code yet; received: its code arrived (charged); finished, cancelled, expired: over.
 */
export const SMS_NUMBER_STATUSES = [
  'pooled',
  'waiting',
  'received',
  'finished',
  'cancelled',
  'expired',
] as const;
export type SmsNumberStatus = (typeof SMS_NUMBER_STATUSES)[number];

/** simulated: the seeded development vendor; fivesim: 5sim.net's API. */
export const SMS_PROVIDER_KINDS = ['simulated', 'fivesim'] as const;
export type SmsProviderKind = (typeof SMS_PROVIDER_KINDS)[number];

/** Why a number stopped being a user's. */
export const SMS_NUMBER_END_REASONS = [
  'finished',
  'cancelled',
  'expired',
  'allocation_ended',
  'user_gone',
  'account_overdue',
] as const;
export type SmsNumberEndReason = (typeof SMS_NUMBER_END_REASONS)[number];

/** Bounds shared by the DTOs and the CHECKs of sms-receive-service migration 0002. */
export const SMS_LIMITS = {
  servicePattern: /^[a-z0-9_]{1,40}$/,
  countryCodePattern: /^[A-Z]{2}$/,
  providerNamePattern: /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/,
  apiKeyMaxLength: 512,
  batchMax: 10,
  maxWaitSeconds: 30,
} as const;
