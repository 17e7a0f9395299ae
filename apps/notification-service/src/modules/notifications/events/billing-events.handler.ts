import { Injectable } from '@nestjs/common';
import { DOMAIN_EVENTS, type EventEnvelope } from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import type { EntityManager } from 'typeorm';
import { BALANCE_LOW_NOTIFICATION } from './balance-low.notification';
import { EventNotificationsService } from './event-notifications.service';

/** Notifies users about their billing account, from billing-service's events. */
@Injectable()
export class BillingEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.billingBalanceLow)
  onBalanceLow(event: EventEnvelope, manager: EntityManager): Promise<void> {
    return this.notifications.record(event, manager, BALANCE_LOW_NOTIFICATION);
  }
}
