import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type EventEnvelope,
  type ReservationCancelledEventData,
  type ReservationConfirmedEventData,
  type ReservationMissedEventData,
  type ReservationReminderEventData,
} from '@cloudphone/contracts';
import { OnEvent } from '@cloudphone/shared';
import { EventNotificationsService } from './event-notifications.service';
import {
  RESERVATION_CANCELLED_NOTIFICATION,
  RESERVATION_CONFIRMED_NOTIFICATION,
  RESERVATION_MISSED_NOTIFICATION,
  RESERVATION_REMINDER_NOTIFICATION,
} from './reservation.notifications';

/** Notifies users of their reservations, from device-service's events. */
@Injectable()
export class ReservationEventsHandler {
  constructor(private readonly notifications: EventNotificationsService) {}

  @OnEvent(DOMAIN_EVENTS.reservationConfirmed)
  onConfirmed(event: EventEnvelope<ReservationConfirmedEventData>): Promise<void> {
    return this.notifications.record(event, RESERVATION_CONFIRMED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.reservationReminder)
  onReminder(event: EventEnvelope<ReservationReminderEventData>): Promise<void> {
    return this.notifications.record(event, RESERVATION_REMINDER_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.reservationCancelled)
  onCancelled(event: EventEnvelope<ReservationCancelledEventData>): Promise<void> {
    return this.notifications.record(event, RESERVATION_CANCELLED_NOTIFICATION);
  }

  @OnEvent(DOMAIN_EVENTS.reservationMissed)
  onMissed(event: EventEnvelope<ReservationMissedEventData>): Promise<void> {
    return this.notifications.record(event, RESERVATION_MISSED_NOTIFICATION);
  }
}
