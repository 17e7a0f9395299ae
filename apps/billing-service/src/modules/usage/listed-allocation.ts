import { type AllocationResponse, deviceSpecOf } from '@cloudphone/contracts';
import { isUuidText } from '@cloudphone/shared';
import type { AllocationStart } from './running-allocation';

/** The largest value of the meter's integer columns (Postgres `integer`). */
const INTEGER_MAX = 2_147_483_647;
/** `running_allocations.tenant_id`'s length check. */
const TENANT_ID_MAX_LENGTH = 128;

/** A listed allocation the meter can start, or why it cannot. */
export type ListedAllocationVerdict = { start: AllocationStart } | { malformed: string };

/**
 * The meter of an allocation device-service listed, checked against what `running_allocations`
 * holds. device-service is trusted, but one item it got wrong (a negative spec, a NUL byte, a date
 * that does not parse) would otherwise fail its whole page's statement, and so stop every slice of
 * every run until device-service is fixed; checked here, it alone is left unmetered (its usage
 * report still charges it in full when it ends).
 */
export function listedAllocationVerdict(allocation: AllocationResponse): ListedAllocationVerdict {
  const item = allocation as unknown as Record<string, unknown>;
  for (const field of ['id', 'userId', 'deviceId'] as const) {
    if (!isUuidText(item[field])) return { malformed: `${field} is not a uuid` };
  }
  const tenantId = item.tenantId;
  if (
    typeof tenantId !== 'string' ||
    tenantId.length === 0 ||
    tenantId.length > TENANT_ID_MAX_LENGTH ||
    tenantId.includes('\u0000')
  ) {
    return { malformed: 'tenantId is not 1–128 characters without NUL' };
  }
  for (const field of ['cpuCores', 'memoryMb', 'storageGb'] as const) {
    const value = item[field];
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > INTEGER_MAX) {
      return { malformed: `${field} is not an integer from 0 to ${INTEGER_MAX}` };
    }
  }
  const startedAt = timestampOf(item.startedAt);
  const expiresAt = timestampOf(item.expiresAt);
  if (!startedAt || !expiresAt) return { malformed: 'startedAt or expiresAt is not a date-time' };
  if (expiresAt < startedAt) return { malformed: 'expiresAt is before startedAt' };
  return {
    start: {
      allocationId: allocation.id,
      userId: allocation.userId,
      tenantId: allocation.tenantId,
      deviceId: allocation.deviceId,
      ...deviceSpecOf(allocation),
      startedAt,
      expiresAt,
    },
  };
}

/** A date-time string with a zone (as device-service writes them), or null. */
function timestampOf(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const at = new Date(value);
  return Number.isFinite(at.getTime()) ? at : null;
}
