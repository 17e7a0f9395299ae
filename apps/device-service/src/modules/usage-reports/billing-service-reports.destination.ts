import { Injectable } from '@nestjs/common';
import { USAGE_BATCH_MAX_ITEMS, type UsageRecordRequest } from '@cloudphone/contracts';
import {
  allocationItemAnswer,
  deliverAsBatch,
  type DeliveryVerdict,
  deliverInSlices,
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

  private deliverBatch(batch: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    return deliverAsBatch(batch, {
      idOf: (message) => (message.data as UsageRecordRequest).allocationId,
      send: (messages) =>
        this.billing.recordUsageBatch({
          items: messages.map((message) => message.data as UsageRecordRequest),
        }),
      answerOf: allocationItemAnswer,
      sendOne: (message) => this.deliverOne(message),
      permanentErrors: PERMANENT_BILLING_ERRORS,
    });
  }

  private deliverOne(message: OutboxMessage): Promise<DeliveryVerdict> {
    return verdictOfCall(() => this.billing.recordUsage(message.data as UsageRecordRequest));
  }
}
