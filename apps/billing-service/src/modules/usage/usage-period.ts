import type { UsageRecordRequest } from '@cloudphone/contracts';
import { UsageErrors } from './usage.errors';

/**
 * The instants of a usage report, checked beyond what the DTO can: both times must be real
 * dates, the end not before the start, and `billedSeconds` at most the period (rounded up to the
 * second, so a sender billing a started second in full is accepted). Throws 400 VALIDATION_FAILED.
 */
export function billablePeriod(request: UsageRecordRequest): { startedAt: Date; endedAt: Date } {
  const startedAt = new Date(request.startedAt);
  const endedAt = new Date(request.endedAt);
  if (Number.isNaN(startedAt.getTime()) || Number.isNaN(endedAt.getTime())) throw UsageErrors.invalidDates();
  if (endedAt < startedAt) throw UsageErrors.endsBeforeStart();
  const periodSeconds = Math.ceil((endedAt.getTime() - startedAt.getTime()) / 1000);
  if (request.billedSeconds > periodSeconds) throw UsageErrors.billedBeyondPeriod(periodSeconds);
  return { startedAt, endedAt };
}
