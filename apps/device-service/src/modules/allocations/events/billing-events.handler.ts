import { Injectable, Logger } from '@nestjs/common';
import {
  type BillingOverdueEventData,
  type BillingUsageRecordedEventData,
  DOMAIN_EVENTS,
  type EventEnvelope,
} from '@cloudphone/contracts';
import { IdempotentHandler, OnEvent } from '@cloudphone/shared';
import { RecordAllocationChargeUseCase } from '../record-allocation-charge.use-case';
import { ReleaseAllocationUseCase } from '../release-allocation.use-case';

/**
 * billing-service's events (§5 event consumers): an overdue account loses its devices, and a
 * recorded usage tells what an allocation cost (and settles its billing report if the HTTP answer
 * was lost). The overdue handler runs in the consumer's transaction with the inbox row, so once per
 * event; the usage one is two idempotent writes (store the same charge, settle a settled report) and
 * runs without either, as one arrives for every allocation. The payloads arrive validated against
 * their contract classes (a malformed one is dead-lettered).
 */
@Injectable()
export class BillingEventsHandler {
  private readonly logger = new Logger(BillingEventsHandler.name);

  constructor(
    private readonly release: ReleaseAllocationUseCase,
    private readonly charges: RecordAllocationChargeUseCase,
  ) {}

  @OnEvent(DOMAIN_EVENTS.billingOverdue)
  async onAccountOverdue(event: EventEnvelope<BillingOverdueEventData>): Promise<void> {
    const { userId } = event.data;
    const ended = await this.release.releaseAllOfUser(userId, 'account_overdue');
    if (ended.length > 0) {
      this.logger.warn({
        msg: 'account overdue: allocations released',
        userId,
        allocations: ended.map((allocation) => allocation.id),
      });
    }
  }

  @OnEvent(DOMAIN_EVENTS.billingUsageRecorded)
  @IdempotentHandler()
  async onUsageRecorded(event: EventEnvelope<BillingUsageRecordedEventData>): Promise<void> {
    const { allocationId, amountMinor, currency } = event.data;
    if (!(await this.charges.record({ allocationId, amountMinor, currency }))) {
      // Usage recorded for an allocation this service never had: someone else's report, or data lost.
      this.logger.warn({ msg: 'usage recorded for an unknown allocation', allocationId });
    }
  }
}
