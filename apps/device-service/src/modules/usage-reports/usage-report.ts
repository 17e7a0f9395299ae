import type { QuotaRestoreRequest, QuotaUsageRequest, UsageRecordRequest } from '@cloudphone/contracts';
import {
  type NewOutboxMessage,
  type OutboxMessage,
  outboxMessageId,
  outboxMessageIdSql,
  outboxMessagesInsertSql,
} from '@cloudphone/shared';

/** What is owed to whom: a quota usage report or restore (user-service), a usage record (billing-service). */
export type UsageReportKind = 'quota_usage' | 'quota_restore' | 'billing_usage';

/** A report to write in the transaction of the change it reports. */
export type NewUsageReport =
  | { kind: 'quota_usage'; allocationId: string; payload: QuotaUsageRequest }
  | { kind: 'quota_restore'; allocationId: string; payload: QuotaRestoreRequest }
  | { kind: 'billing_usage'; allocationId: string; payload: UsageRecordRequest };

/** A stored report: an outbox message, with its kind. */
export type UsageReport = OutboxMessage & { kind: UsageReportKind };

/** The outbox destinations of usage reports (their names are the services they go to). */
export const USAGE_REPORT_DESTINATIONS = {
  quota: 'user-service',
  billing: 'billing-service',
} as const;

const TYPE_PREFIX = 'report.';

/**
 * The outbox message of a report: one per allocation and kind (its id is derived from both, so a
 * report stored twice is kept once), typed `report.<kind>`, addressed to the service it is owed to.
 */
export function usageReportMessage(report: NewUsageReport): NewOutboxMessage {
  return {
    id: outboxMessageId(report.allocationId, report.kind),
    destination: destinationOf(report.kind),
    type: `${TYPE_PREFIX}${report.kind}`,
    key: report.allocationId,
    data: report.payload,
  };
}

/** A report a statement stores itself: its kind, and its allocation id and payload as SQL expressions. */
export interface UsageReportSql {
  kind: UsageReportKind;
  allocationId: string;
  payload: string;
}

/**
 * A data-modifying CTE body storing `reports` for each row of `source`, with the ids, destinations,
 * types and keys `usageReportMessage` gives (so a report is kept once whichever way it was stored),
 * returning the stored messages; `leaseParameter` is OUTBOX_DELIVERY_LEASE_MS's placeholder.
 */
export function usageReportsInsertSql(
  source: string,
  reports: readonly UsageReportSql[],
  leaseParameter: string,
): string {
  const messages = reports.map((report) => ({
    id: outboxMessageIdSql(`${report.allocationId}::text`, `'${report.kind}'`),
    destination: `'${destinationOf(report.kind)}'`,
    type: `'${TYPE_PREFIX}${report.kind}'`,
    key: `${report.allocationId}::text`,
    data: report.payload,
  }));
  return outboxMessagesInsertSql(source, messages, leaseParameter);
}

function destinationOf(kind: UsageReportKind): string {
  return kind === 'billing_usage' ? USAGE_REPORT_DESTINATIONS.billing : USAGE_REPORT_DESTINATIONS.quota;
}

/** The kind of a stored report message. */
export function usageReportKind(message: OutboxMessage): UsageReportKind {
  const kind = message.type.slice(TYPE_PREFIX.length);
  if (kind === 'quota_usage' || kind === 'quota_restore' || kind === 'billing_usage') return kind;
  throw new Error(`Outbox message ${message.rowId} is not a usage report (${message.type})`);
}
