import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type EventEnvelope,
  type SmsCodeReceivedEventData,
  type SmsNumberExpiredEventData,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { EventNotificationsService } from './event-notifications.service';
import { SMS_CODE_RECEIVED_NOTIFICATION, SMS_NUMBER_EXPIRED_NOTIFICATION } from './sms.notifications';

/** Puts codes and expired numbers in their users' inbox, from sms-receive-service's events. */
@Injectable()
export class SmsEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.smsCodeReceived)
  onCodeReceived(event: EventEnvelope<SmsCodeReceivedEventData>): Promise<void> {
    return this.notifications.record(event, SMS_CODE_RECEIVED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.smsNumberExpired)
  onNumberExpired(event: EventEnvelope<SmsNumberExpiredEventData>): Promise<void> {
    return this.notifications.record(event, SMS_NUMBER_EXPIRED_NOTIFICATION);
  }
}
