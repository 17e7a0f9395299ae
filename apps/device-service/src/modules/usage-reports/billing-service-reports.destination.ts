import { Injectable } from '@nestjs/common';
import { USAGE_BATCH_MAX_ITEMS, type UsageRecordRequest } from '@cloudphone/contracts';
import {
  type DeliveryVerdict,
  deliverInSlices,
  deliveryVerdictOf,
  type OutboxDestination,
  type OutboxMessage,
  verdictOfCall,
} from '@cloudphone/shared';
import { BillingClient } from '../../integrations/platform-services/billing.client';
import { USAGE_REPORT_DESTINATIONS } from './usage-report';

/** Billing refusals no resend can fix; anything else in a batch result is retried later. */
const PERMANENT_BILLING_ERRORS = new Set(['USAGE_CONFLICT', 'VALIDATION_FAILED', 'BALANCE_OUT_OF_RANGE']);

/**
 * Usage records for billing-service, delivered from the outbox in batches. billing-service
 * deduplicates per allocation, so a record sent twice is charged once.
 */
@Injectable()
export class BillingServiceReportsDestination implements OutboxDestination {
  readonly name = USAGE_REPORT_DESTINATIONS.billing;

  constructor(private readonly billing: BillingClient) {}

  deliver(messages: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    return deliverInSlices(messages, USAGE_BATCH_MAX_ITEMS, (batch) => this.deliverBatch(batch));
  }

  private async deliverBatch(batch: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    if (batch.length === 1) return [await this.deliverOne(batch[0])];
    const records = batch.map((message) => message.data as UsageRecordRequest);
    const outcome = await this.billing.recordUsageBatch({ items: records });
    if (outcome.status === 'rejected') {
      // A refused batch (one malformed item) is retried item by item, so the others still get through.
      return Promise.all(batch.map((message) => this.deliverOne(message)));
    }
    if (outcome.status !== 'delivered') return batch.map(() => deliveryVerdictOf(outcome));
    return records.map((record, index): DeliveryVerdict => {
      const item = outcome.response.results[index];
      if (item && item.allocationId === record.allocationId && item.status !== 'failed')
        return { result: 'delivered' };
      const error = item ? `${item.errorCode}: ${item.errorMessage}` : 'missing from the batch answer';
      const permanent = item?.errorCode !== undefined && PERMANENT_BILLING_ERRORS.has(item.errorCode);
      return { result: permanent ? 'rejected' : 'deferred', error };
    });
  }

  private deliverOne(message: OutboxMessage): Promise<DeliveryVerdict> {
    return verdictOfCall(() => this.billing.recordUsage(message.data as UsageRecordRequest));
  }
}
