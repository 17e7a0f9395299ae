import { Injectable } from '@nestjs/common';
import type { QuotaRestoreRequest, QuotaUsageRequest } from '@cloudphone/contracts';
import {
  type DeliveryOutcome,
  type DeliveryVerdict,
  deliverInSlices,
  type OutboxDestination,
  type OutboxMessage,
  verdictOfCall,
} from '@cloudphone/shared';
import { QuotaClient } from '../../integrations/platform-services/quota.client';
import { USAGE_REPORT_DESTINATIONS, usageReportKind } from './usage-report';

/** Quota reports sent at once (user-service has no batch call); more wait for a free slot. */
const CONCURRENCY = 10;

/**
 * Quota usage reports and restores for user-service, delivered from the outbox. user-service
 * deduplicates both per allocation, so a report sent twice is harmless.
 */
@Injectable()
export class UserServiceReportsDestination implements OutboxDestination {
  readonly name = USAGE_REPORT_DESTINATIONS.quota;

  constructor(private readonly quota: QuotaClient) {}

  deliver(messages: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    return deliverInSlices(messages, CONCURRENCY, (slice) =>
      Promise.all(slice.map((message) => verdictOfCall(() => this.call(message)))),
    );
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
