import { Injectable } from '@nestjs/common';
import {
  QUOTA_RESTORE_BATCH_MAX_ITEMS,
  type QuotaRestoreRequest,
  type QuotaUsageRequest,
} from '@cloudphone/contracts';
import {
  allocationItemAnswer,
  type DeliveryOutcome,
  deliverAsBatch,
  type DeliveryVerdict,
  deliverInSlices,
  type OutboxDestination,
  type OutboxMessage,
  verdictOfCall,
} from '@cloudphone/shared';
import { QuotaClient } from '../../integrations/platform-services/quota.client';
import { USAGE_REPORT_DESTINATIONS, usageReportKind } from './usage-report';

/** Usage reports sent at once (each may be refused on its own, so no batch call); more wait. */
const CONCURRENCY = 10;

/** Restore refusals no resend can fix (the user is gone, the allocation is another user's). */
const PERMANENT_RESTORE_ERRORS = new Set(['USER_NOT_FOUND', 'ALLOCATION_MISMATCH', 'VALIDATION_FAILED']);

/**
 * Quota usage reports and restores for user-service, delivered from the outbox: usage reports one
 * call each, restores in batch calls (a burst of releases is one request and one transaction).
 * user-service deduplicates both per allocation, so a report sent twice is harmless.
 */
@Injectable()
export class UserServiceReportsDestination implements OutboxDestination {
  readonly name = USAGE_REPORT_DESTINATIONS.quota;

  constructor(private readonly quota: QuotaClient) {}

  async deliver(messages: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    const verdicts = new Map<OutboxMessage, DeliveryVerdict>();
    const restores = messages.filter((message) => usageReportKind(message) === 'quota_restore');
    const others = messages.filter((message) => usageReportKind(message) !== 'quota_restore');
    const [restoreVerdicts, otherVerdicts] = await Promise.all([
      deliverInSlices(restores, QUOTA_RESTORE_BATCH_MAX_ITEMS, (batch) => this.restoreBatch(batch)),
      deliverInSlices(others, CONCURRENCY, (slice) =>
        Promise.all(slice.map((message) => verdictOfCall(() => this.call(message)))),
      ),
    ]);
    restores.forEach((message, index) => verdicts.set(message, restoreVerdicts[index]));
    others.forEach((message, index) => verdicts.set(message, otherVerdicts[index]));
    return messages.map((message) => verdicts.get(message) as DeliveryVerdict);
  }

  private restoreBatch(batch: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    return deliverAsBatch(batch, {
      idOf: (message) => (message.data as QuotaRestoreRequest).allocationId,
      send: (messages) =>
        this.quota.restoreBatch({ items: messages.map((message) => message.data as QuotaRestoreRequest) }),
      answerOf: allocationItemAnswer,
      sendOne: (message) => verdictOfCall(() => this.call(message)),
      permanentErrors: PERMANENT_RESTORE_ERRORS,
    });
  }

  private call(message: OutboxMessage): Promise<DeliveryOutcome<unknown>> {
    switch (usageReportKind(message)) {
      case 'quota_usage':
        return this.quota.reportUsage(message.data as QuotaUsageRequest);
      case 'quota_restore':
        return this.quota.restore(message.data as QuotaRestoreRequest);
      case 'billing_usage':
        throw new Error('a billing report addressed to user-service');
    }
  }
}
