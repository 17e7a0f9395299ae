import type { AllocationExtension } from '@cloudphone/contracts';
import type { AllocationRecord } from './allocation-record';

/** One row of allocation_extensions. */
export interface ExtensionRecord {
  id: string;
  allocationId: string;
  userId: string;
  sequence: number;
  additionalMinutes: number;
  reason: string | null;
  previousExpiresAt: Date;
  expiresAt: Date;
  actor: string;
  idempotencyKey: string;
  requestHash: string;
  createdAt: Date;
}

/** What an extend statement needs: the state the policy check saw (compared again) and the new end. */
export interface ExtensionCommand {
  extension: ExtensionRecord;
  /** The extension count the policy check saw; the statement applies only if it is unchanged. */
  seenExtensionCount: number;
}

/** The outcome of an extend statement. */
export type ExtensionOutcome =
  | { kind: 'extended'; allocation: AllocationRecord }
  /** The allocation changed since it was read (ended, or extended by a concurrent request). */
  | { kind: 'changed' }
  /** The new end reaches into another live claim of the device (the exclusion constraint said no). */
  | { kind: 'conflict' }
  /** The idempotency key is taken by another extension of this user (a concurrent resend). */
  | { kind: 'key-taken' };

/** The public shape of an extension. */
export function toExtensionResponse(record: ExtensionRecord): AllocationExtension {
  return {
    id: record.id,
    allocationId: record.allocationId,
    additionalMinutes: record.additionalMinutes,
    reason: record.reason,
    previousExpiresAt: record.previousExpiresAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    sequence: record.sequence,
    createdAt: record.createdAt.toISOString(),
  };
}
