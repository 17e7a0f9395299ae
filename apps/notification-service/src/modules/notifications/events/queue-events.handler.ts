import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type EventEnvelope,
  type QueueExpiredEventData,
  type QueueFulfilledEventData,
  type QueueRefusedEventData,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { EventNotificationsService } from './event-notifications.service';
import {
  QUEUE_EXPIRED_NOTIFICATION,
  QUEUE_FULFILLED_NOTIFICATION,
  QUEUE_REFUSED_NOTIFICATION,
} from './queue.notifications';

/** Notifies users of how their wait in the queue ended, from device-service's events. */
@Injectable()
export class QueueEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.queueFulfilled)
  onFulfilled(event: EventEnvelope<QueueFulfilledEventData>): Promise<void> {
    return this.notifications.record(event, QUEUE_FULFILLED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.queueExpired)
  onExpired(event: EventEnvelope<QueueExpiredEventData>): Promise<void> {
    return this.notifications.record(event, QUEUE_EXPIRED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.queueRefused)
  onRefused(event: EventEnvelope<QueueRefusedEventData>): Promise<void> {
    return this.notifications.record(event, QUEUE_REFUSED_NOTIFICATION);
  }
}
