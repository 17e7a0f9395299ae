import { createHash, randomUUID } from 'node:crypto';
import { ALLOCATION_LIMITS, type AllocateDeviceRequest } from '@cloudphone/contracts';
import {
  type ActingSubject,
  actingSubject,
  type ListQuery,
  listOwnerFor,
  type Principal,
} from '@cloudphone/shared';
import type { ClaimRequest } from './allocation-claim';
import { AllocationErrors } from './allocations.errors';

/** Who an allocation is for, decided from the token (a body `userId` only counts for admins and services). */
export type AllocationSubject = ActingSubject;

export function allocationSubject(
  principal: Principal,
  request: { userId?: string; tenantId?: string },
): AllocationSubject {
  return actingSubject(principal, request, {
    userRequired: () => AllocationErrors.invalidRequest('userId', 'is required with a service token'),
    actingForOthers: AllocationErrors.actingForOthers,
  });
}

/**
 * Whose records a scheduler list shows: a user's own (naming another user is a 403), or for an
 * admin or a service everyone's or the one user its `userId` filter names.
 */
export function listOwnerOf(principal: Principal, query: ListQuery): string | undefined {
  const asked = query.filters.find((filter) => filter.name === 'userId')?.value;
  return listOwnerFor(
    principal,
    asked === undefined ? undefined : String(asked),
    AllocationErrors.actingForOthers,
  );
}

/** The `Idempotency-Key` header, checked, or null when it was not sent. */
export function idempotencyHeaderOf(header: string | undefined): string | null {
  if (header !== undefined && !ALLOCATION_LIMITS.idempotencyKeyPattern.test(header)) {
    throw AllocationErrors.invalidRequest(
      'Idempotency-Key',
      'must be 1-255 visible ASCII characters without spaces',
    );
  }
  return header ?? null;
}

/** The idempotency key from the header or the body (equal when both are given), or null. */
export function idempotencyKeyOf(header: string | undefined, request: AllocateDeviceRequest): string | null {
  idempotencyHeaderOf(header);
  if (header !== undefined && request.idempotencyKey !== undefined && header !== request.idempotencyKey) {
    throw AllocationErrors.invalidRequest('idempotencyKey', 'differs from the Idempotency-Key header');
  }
  return header ?? request.idempotencyKey ?? null;
}

/**
 * A digest of what the request asks for, so a key sent again with another request is recognised
 * (key order and absent fields do not matter; the key itself is not part of it).
 */
export function requestHashOf(subject: AllocationSubject, request: AllocateDeviceRequest): string {
  const requirements = request.requirements ?? {};
  const canonical = JSON.stringify([
    subject.userId,
    subject.tenantId,
    request.durationMinutes,
    requirements.cpuCores ?? null,
    requirements.memoryMb ?? null,
    requirements.storageGb ?? null,
    requirements.region ?? null,
    requirements.androidVersion ?? null,
    // Appended only when given, so digests of requests from before tolerations existed still match.
    ...(request.tolerations?.length ? [[...new Set(request.tolerations)].sort()] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The claim an allocate request makes for `subject` (a fresh allocation id; spec minimums default low). */
export function claimRequestOf(
  subject: AllocationSubject,
  request: AllocateDeviceRequest,
  idempotencyKey: string | null,
  requestHash: string | null,
): ClaimRequest {
  const requirements = request.requirements ?? {};
  return {
    allocationId: randomUUID(),
    userId: subject.userId,
    tenantId: subject.tenantId,
    durationMinutes: request.durationMinutes,
    cpuCores: requirements.cpuCores ?? 1,
    memoryMb: requirements.memoryMb ?? 0,
    storageGb: requirements.storageGb ?? 0,
    region: requirements.region ?? null,
    androidVersion: requirements.androidVersion ?? null,
    idempotencyKey,
    requestHash,
    tolerations: request.tolerations ?? [],
  };
}
