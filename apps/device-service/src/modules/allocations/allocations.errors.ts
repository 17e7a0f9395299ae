import { AppError, CommonErrors } from '@cloudphone/shared';
import type { ExtensionRuleRefusal } from './extension-policy';

export const AllocationErrors = {
  noDeviceAvailable: (requirements: Record<string, unknown>) =>
    CommonErrors.conflict('NO_DEVICE_AVAILABLE', 'No free device matches the requirements', { requirements }),
  insufficientBalance: (details: { balanceMinor: string; requiredMinor: string; currency: string }) =>
    new AppError('INSUFFICIENT_BALANCE', 402, 'The balance does not cover the requested duration', details),
  /** A refusal by user-service (QUOTA_EXCEEDED naming the limit, USER_SUSPENDED, ...), passed on as is. */
  refusedByUserService: (status: number, code: string, message: string, details: unknown) =>
    new AppError(code, status, message, (details ?? undefined) as Record<string, unknown> | undefined),
  idempotencyKeyReused: (key: string) =>
    new AppError(
      'IDEMPOTENCY_KEY_REUSED',
      422,
      'This Idempotency-Key was used with a different request; use a new key for a new request',
      { idempotencyKey: key },
    ),
  /** More allocate calls than this replica admits (ALLOCATE_MAX_*): nothing was claimed or taken. */
  busy: () =>
    new AppError(
      'ALLOCATION_BUSY',
      503,
      'Too many allocations are in progress on this replica; nothing was allocated, retry shortly',
      undefined,
      { 'Retry-After': '1' },
    ),
  requestInProgress: (allocationId: string) =>
    CommonErrors.conflict(
      'REQUEST_IN_PROGRESS',
      'A request for this allocation is still being processed; retry shortly',
      { allocationId },
    ),
  claimAbandoned: (allocationId: string) =>
    new AppError(
      'ALLOCATION_ABANDONED',
      503,
      'The claim timed out before it could be confirmed; nothing was allocated, try again',
      { allocationId },
    ),
  notFound: (details: Record<string, unknown>) =>
    new AppError('ALLOCATION_NOT_FOUND', 404, 'Allocation not found', details),
  notYours: () => CommonErrors.forbidden('Only the owner, an admin or a service may act on this allocation'),
  actingForOthers: () =>
    CommonErrors.forbidden('Only admins and services may act for another user or tenant'),
  staleFencingToken: (given: string, current: string) =>
    CommonErrors.conflict(
      'STALE_FENCING_TOKEN',
      'The device has been claimed again since; this release names an older claim',
      { given, current },
    ),
  idempotencyKeyRequired: () =>
    new AppError('IDEMPOTENCY_KEY_REQUIRED', 400, 'This request needs an Idempotency-Key header', {
      header: 'Idempotency-Key',
    }),
  /** A per-tier extension rule (403) or the allocation's state (409) refused, naming the rule. */
  extensionRefused: (refusal: ExtensionRuleRefusal, tier: string) =>
    new AppError(refusal.code, refusal.status, refusal.message, {
      tier,
      ...(refusal.rule && { rule: refusal.rule.name, limit: refusal.rule.limit }),
      ...(refusal.retryAt && { retryAt: refusal.retryAt.toISOString() }),
    }),
  extensionConflict: (claim: { id: string; startsAt: Date }, expiresAt: Date) =>
    CommonErrors.conflict(
      'EXTENSION_CONFLICT',
      'The device is reserved from before the requested end; extend at most to the latest end given',
      {
        conflictingReservationId: claim.id,
        latestEnd: claim.startsAt.toISOString(),
        maxAdditionalMinutes: Math.max(
          0,
          Math.floor((claim.startsAt.getTime() - expiresAt.getTime()) / 60_000),
        ),
      },
    ),
  queueEntryNotFound: (entryId: string) =>
    new AppError('QUEUE_ENTRY_NOT_FOUND', 404, 'Queue entry not found', { entryId }),
  queueEntryEnded: (entryId: string, status: string) =>
    CommonErrors.conflict(
      'QUEUE_ENTRY_ENDED',
      `The entry is ${status} already; it can no longer be cancelled`,
      {
        entryId,
        status,
      },
    ),
  userNotActive: (userId: string) =>
    new AppError('USER_NOT_ACTIVE', 403, 'The user is suspended, deleted or unknown', { userId }),
  invalidRequest: (field: string, reason: string) =>
    CommonErrors.validationFailed(`${field}: ${reason}`, [{ field, reasons: [reason] }]),
};
