import { Injectable } from '@nestjs/common';
import { type BillingBalanceLowEventData, DOMAIN_EVENTS, type EventEnvelope } from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { BALANCE_LOW_NOTIFICATION } from './balance-low.notification';
import { EventNotificationsService } from './event-notifications.service';

/** Notifies users about their billing account, from billing-service's events. */
@Injectable()
export class BillingEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.billingBalanceLow)
  onBalanceLow(event: EventEnvelope<BillingBalanceLowEventData>): Promise<void> {
    return this.notifications.record(event, BALANCE_LOW_NOTIFICATION);
  }
}
