import type { QuotaRestoreRequest, QuotaUsageRequest, UsageRecordRequest } from '@cloudphone/contracts';

/** What is owed to whom: a quota usage report or restore (user-service), a usage record (billing-service). */
export type UsageReportKind = 'quota_usage' | 'quota_restore' | 'billing_usage';

export type UsageReportPayload<K extends UsageReportKind> = K extends 'quota_usage'
  ? QuotaUsageRequest
  : K extends 'quota_restore'
    ? QuotaRestoreRequest
    : UsageRecordRequest;

/** A report to write in the transaction of the change it reports. */
export type NewUsageReport =
  | { kind: 'quota_usage'; allocationId: string; payload: QuotaUsageRequest }
  | { kind: 'quota_restore'; allocationId: string; payload: QuotaRestoreRequest }
  | { kind: 'billing_usage'; allocationId: string; payload: UsageRecordRequest };

/** A stored report, claimed for one delivery attempt. */
export type UsageReport = NewUsageReport & { id: string; attempts: number };

/** How one delivery attempt ended. */
export type DeliveryResult = 'delivered' | 'deferred' | 'rejected';
