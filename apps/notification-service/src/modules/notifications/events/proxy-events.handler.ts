import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type EventEnvelope,
  type ProxyAcquiredEventData,
  type ProxyReleasedEventData,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { EventNotificationsService } from './event-notifications.service';
import { PROXY_ACQUIRED_NOTIFICATION, PROXY_RELEASED_NOTIFICATION } from './proxy.notifications';

/** Notifies renters about their proxies, from proxy-service's events. */
@Injectable()
export class ProxyEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.proxyAcquired)
  onAcquired(event: EventEnvelope<ProxyAcquiredEventData>): Promise<void> {
    return this.notifications.record(event, PROXY_ACQUIRED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.proxyReleased)
  onReleased(event: EventEnvelope<ProxyReleasedEventData>): Promise<void> {
    return this.notifications.record(event, PROXY_RELEASED_NOTIFICATION);
  }
}
