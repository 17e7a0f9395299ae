import type { DeviceSpec } from '@cloudphone/contracts';
import type { AllocationRecord } from './allocation-record';

/**
 * What a new claim asks for: the device filters and who it is for. The spec is a minimum (the
 * claimed device has at least as much of each); the allocation records the device's own spec.
 */
export interface ClaimRequest extends DeviceSpec {
  allocationId: string;
  userId: string;
  tenantId: string;
  durationMinutes: number;
  region: string | null;
  androidVersion: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  /** Node taints it tolerates (`key` or `key=value`). */
  tolerations: string[];
}

/**
 * How a claim attempt ended. `none`: no free device matches. `key-taken`: another allocation holds
 * the request's idempotency key. `lost-race`: a concurrent claim took the device first and the
 * database refused a second holder; worth retrying, and `error` is that refusal, for the caller to
 * throw once it gives up.
 */
export type ClaimOutcome =
  | { kind: 'claimed'; claim: AllocationRecord }
  | { kind: 'none' }
  | { kind: 'key-taken' }
  | { kind: 'lost-race'; error: unknown };
