import { Injectable } from '@nestjs/common';
import { type BillingUsageRecordedEventData, DOMAIN_EVENTS } from '@cloudphone/contracts';
import { EventPublisher, type NewOutboxRow, type OutgoingEvent } from '@cloudphone/shared';
import type { UsageRecord } from './usage-record';

/** A usage just recorded, as its event tells it. */
export interface RecordedUsage {
  record: UsageRecord;
  /** The account's tenant (the event names the account's, whatever the report said). */
  tenantId: string;
  /** The account's balance right after this usage's charge (and refund, if any). */
  balanceMinor: bigint;
}

/** Builds the usage module's events: `billing.usage_recorded`, one per recorded usage. */
@Injectable()
export class UsageEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  /** Publishes them in the caller's transaction, in one outbox statement. */
  async usageRecorded(recorded: readonly RecordedUsage[]): Promise<void> {
    await this.events.publish(recorded.map(usageRecordedEvent));
  }

  /**
   * Their outbox rows, checked as `usageRecorded` checks them, for a statement that writes them
   * with the usages (UsageSettlementRepository); call `written()` once it ran in its transaction.
   */
  prepareUsageRecorded(recorded: readonly RecordedUsage[]): NewOutboxRow[] {
    return recorded.map((usage) => this.events.prepare(usageRecordedEvent(usage)));
  }

  /** Wakes the relay once the transaction that wrote prepared rows commits. */
  written(): Promise<void> {
    return this.events.written();
  }
}

function usageRecordedEvent({ record, tenantId, balanceMinor }: RecordedUsage): OutgoingEvent {
  const data: BillingUsageRecordedEventData = {
    usageId: record.id,
    allocationId: record.allocationId,
    userId: record.userId,
    tenantId,
    billedSeconds: record.billedSeconds,
    amountMinor: record.amountMinor.toString(),
    balanceMinor: balanceMinor.toString(),
    currency: record.currency,
  };
  return { type: DOMAIN_EVENTS.billingUsageRecorded, aggregateId: `usage:${record.allocationId}`, data };
}
