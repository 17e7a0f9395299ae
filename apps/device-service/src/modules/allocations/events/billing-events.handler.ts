import { Injectable, Logger } from '@nestjs/common';
import { type BillingOverdueEventData, DOMAIN_EVENTS, type EventEnvelope } from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { ReleaseAllocationUseCase } from '../release-allocation.use-case';

/**
 * billing-service's events (§5 event consumers): an overdue account loses its devices. The handler
 * runs in the consumer's transaction with the inbox row, so once per event; the payload arrives
 * validated against its contract class (a malformed one is dead-lettered). What an allocation cost
 * comes with billing's answer to its usage report (usage-reports/), not as an event.
 */
@Injectable()
export class BillingEventsHandler {
  private readonly logger = new Logger(BillingEventsHandler.name);

  constructor(private readonly release: ReleaseAllocationUseCase) {}

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
}
