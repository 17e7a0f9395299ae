import { Injectable } from '@nestjs/common';
import { USAGE_BATCH_MAX_ITEMS, type UsageRecordRequest } from '@cloudphone/contracts';
import {
  allocationItemAnswer,
  deliverAsBatch,
  type DeliveredMessage,
  type DeliveryVerdict,
  deliverInSlices,
  type OutboxDestination,
  type OutboxMessage,
  verdictOfCall,
} from '@cloudphone/shared';
import { BillingClient } from '../../integrations/platform-services/billing.client';
import { AllocationChargesRepository } from './allocation-charges.repository';
import { chargeOfBillingAnswer } from './billing-answer-charge';
import { USAGE_REPORT_DESTINATIONS } from './usage-report';

/** Billing refusals no resend can fix; anything else in a batch result is retried later. */
const PERMANENT_BILLING_ERRORS = new Set(['USAGE_CONFLICT', 'VALIDATION_FAILED', 'BALANCE_OUT_OF_RANGE']);

/**
 * Usage records for billing-service, delivered from the outbox in batches. billing-service
 * deduplicates per allocation, so a record sent twice is charged once. Its answer says what it
 * charged (a resend's answer too): the statement that settles the delivered reports stores each
 * charge on its allocation, so a released allocation shows what it cost without another message.
 */
@Injectable()
export class BillingServiceReportsDestination implements OutboxDestination {
  readonly name = USAGE_REPORT_DESTINATIONS.billing;

  constructor(
    private readonly billing: BillingClient,
    private readonly charges: AllocationChargesRepository,
  ) {}

  deliver(messages: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    return deliverInSlices(messages, USAGE_BATCH_MAX_ITEMS, (batch) => this.deliverBatch(batch));
  }

  async settleDelivered(delivered: DeliveredMessage[]): Promise<void> {
    const charges = delivered.flatMap(({ message, answer }) => {
      const charge = chargeOfBillingAnswer((message.data as UsageRecordRequest).allocationId, answer);
      return charge ? [charge] : [];
    });
    await this.charges.recordCharges(
      charges,
      delivered.map(({ message }) => message.id),
    );
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
