import type { AllocationEndReason } from '../events/event-payloads';

/**
 * Lifecycle of an allocation. `pending`: the device is claimed while quota and balance are
 * confirmed (milliseconds; a claim whose request died is failed by a job). `active`: rented until
 * `expiresAt`. `released` / `expired`: ended and billed to the second. `failed`: never started (quota,
 * balance or a dependency refused it) and billed nothing.
 */
export const ALLOCATION_STATUSES = ['pending', 'active', 'released', 'expired', 'failed'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

/** Why an allocation ended (the `reason` of `device.released`). */
export const ALLOCATION_END_REASONS = [
  'released',
  'expired',
  'user_deleted',
  'user_suspended',
  'account_overdue',
  'device_failed',
  'admin',
] as const satisfies readonly AllocationEndReason[];

/** Bounds of allocation requests. Each deployment may lower the duration further (settings). */
export const ALLOCATION_LIMITS = {
  /** 90 days, billing's longest usage record. */
  maxDurationMinutes: 129_600,
  /** An `Idempotency-Key`: 1 to 255 visible ASCII characters without spaces. */
  idempotencyKeyPattern: /^[\x21-\x7e]{1,255}$/,
  tenantIdPattern: /^[a-z0-9][a-z0-9-]{0,62}$/,
} as const;
