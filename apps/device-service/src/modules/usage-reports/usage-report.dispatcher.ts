import { Injectable } from '@nestjs/common';
import {
  type DeliverySummary,
  type NewOutboxRow,
  OutboxDeliveries,
  type OutboxMessage,
} from '@cloudphone/shared';
import { type NewUsageReport, type UsageReport, usageReportKind, usageReportMessage } from './usage-report';

/**
 * Quota and billing reports, kept in the outbox until user-service and billing-service have
 * answered. Right after a change commits its reports are sent at once; whatever could not be
 * delivered then (target down, breaker open, process died) the outbox relay resends with backoff.
 */
@Injectable()
export class UsageReportDispatcher {
  constructor(private readonly deliveries: OutboxDeliveries) {}

  /**
   * Stores reports in the caller's transaction (one per allocation and kind: a repeat is ignored)
   * and returns the new ones; send them with `deliver`/`deliverInBackground` once it has committed.
   * `events` that announce the same change share the statement (see OutboxDeliveries.store).
   */
  async store(reports: NewUsageReport[], events: readonly NewOutboxRow[] = []): Promise<UsageReport[]> {
    return this.reportsOf(await this.deliveries.store(reports.map(usageReportMessage), events));
  }

  /** Reports a statement stored itself (`usageReportsInsertSql`), ready for `deliver`. */
  reportsOf(messages: readonly OutboxMessage[]): UsageReport[] {
    return messages.map((message) => ({ ...message, kind: usageReportKind(message) }));
  }

  /**
   * Sends reports `store` returned, once their transaction committed, in one request with other
   * callers' reports for the same service (a burst of releases is one call); returns when each
   * was answered.
   */
  deliver(reports: UsageReport[]): Promise<DeliverySummary> {
    return this.deliveries.deliverBatched(reports);
  }

  /** Like `deliver`, without making the caller wait; shutdown waits for these to finish. */
  deliverInBackground(reports: UsageReport[]): void {
    this.deliveries.deliverInBackground(reports);
  }
}
