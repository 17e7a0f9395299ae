import { DOMAIN_EVENTS } from '@cloudphone/contracts';
import { outboxEventsFromSql } from '@cloudphone/shared';
import { usageReportsInsertSql } from '../usage-reports';
import { isoText } from './allocation-sql';

// What every statement that ends allocations writes in the same statement, built from the rows it
// ended (CTE `ended`, ALLOCATIONS.select()'s property names): the quota restore (user-service) and
// the usage record (billing-service) each allocation owes, and the event announcing its end. So an
// end never commits without them, in one round trip and without a transaction around it. The
// payloads are the contract's request and event classes (`QuotaRestoreRequest`,
// `UsageRecordRequest`, `DeviceReleasedEventData`, `AllocationExpiredEventData`), checked against
// them by allocation-ending.int-spec.ts.

const iso = (column: string) => isoText(`e."${column}"`);

const QUOTA_RESTORE = `jsonb_build_object('userId', e."userId", 'allocationId', e.id)`;

const USAGE_RECORD = `jsonb_build_object(
    'allocationId', e.id, 'userId', e."userId", 'tenantId', e."tenantId", 'deviceId', e."deviceId",
    'startedAt', ${iso('startedAt')}, 'endedAt', ${iso('endedAt')}, 'billedSeconds', e."billedSeconds",
    'cpuCores', e."cpuCores", 'memoryMb', e."memoryMb", 'storageGb', e."storageGb")`;

const EXPIRED = `e.status = 'expired'`;

const ENDED_EVENT = `CASE WHEN ${EXPIRED}
    THEN jsonb_build_object(
      'allocationId', e.id, 'deviceId', e."deviceId", 'userId', e."userId", 'tenantId', e."tenantId",
      'startedAt', ${iso('startedAt')}, 'expiredAt', ${iso('endedAt')}, 'billedSeconds', e."billedSeconds")
    ELSE jsonb_build_object(
      'allocationId', e.id, 'deviceId', e."deviceId", 'userId', e."userId", 'tenantId', e."tenantId",
      'startedAt', ${iso('startedAt')}, 'endedAt', ${iso('endedAt')}, 'billedSeconds', e."billedSeconds",
      'reason', COALESCE(e."endReason", 'released'), 'fencingToken', e."fencingToken"::text)
    END`;

/**
 * The CTEs `ending_reports` and `ending_events` of an end statement; `leaseParameter` is the
 * placeholder of OUTBOX_DELIVERY_LEASE_MS. Follow with ENDED_WITH_REPORTS.
 */
export function endingOutboxSql(leaseParameter: string): string {
  const reports = usageReportsInsertSql(
    'ended e',
    [
      { kind: 'quota_restore', allocationId: 'e.id', payload: QUOTA_RESTORE },
      { kind: 'billing_usage', allocationId: 'e.id', payload: USAGE_RECORD },
    ],
    leaseParameter,
  );
  const events = outboxEventsFromSql('ended e', {
    // `allocation.expired` for an expiry (its aggregate the allocation), `device.released` otherwise.
    type: `CASE WHEN ${EXPIRED} THEN '${DOMAIN_EVENTS.allocationExpired}' ELSE '${DOMAIN_EVENTS.deviceReleased}' END`,
    version: 1,
    aggregateKey: `CASE WHEN ${EXPIRED} THEN 'allocation:' || e.id ELSE 'device:' || e."deviceId" END`,
    data: ENDED_EVENT,
  });
  return `ending_reports AS (${reports}), ending_events AS (${events})`;
}

/** The main query of an end statement: each ended row with the reports stored for it (JSON). */
export const ENDED_WITH_REPORTS = `SELECT e.*, COALESCE(
    (SELECT json_agg(r.*) FROM ending_reports r WHERE r.key = e.id::text), '[]'::json) AS "endingReports"
  FROM ended e`;
