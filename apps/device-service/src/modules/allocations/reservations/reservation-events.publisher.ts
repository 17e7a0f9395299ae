import { Injectable } from '@nestjs/common';
import {
  DOMAIN_EVENTS,
  type ReservationCancelledEventData,
  type ReservationConfirmedEventData,
  type ReservationMissedEventData,
  type ReservationReminderEventData,
} from '@cloudphone/contracts';
import { EventPublisher } from '@cloudphone/shared';
import type { ReservationRecord } from './reservation-record';

/**
 * Every event about reservations, built here and written to the outbox inside the caller's
 * transaction (payload classes in libs/contracts/src/events). Aggregate: the reservation, so its
 * events are delivered in the order they happened.
 */
@Injectable()
export class ReservationEventsPublisher {
  constructor(private readonly events: EventPublisher) {}

  async confirmed(reservation: ReservationRecord): Promise<void> {
    await this.events.publish({
      type: DOMAIN_EVENTS.reservationConfirmed,
      aggregateId: reservation.id,
      data: slotData(reservation) satisfies ReservationConfirmedEventData,
    });
  }

  async cancelled(reservation: ReservationRecord, feeSeconds: number): Promise<void> {
    await this.events.publish({
      type: DOMAIN_EVENTS.reservationCancelled,
      aggregateId: reservation.id,
      data: { ...slotData(reservation), feeSeconds } satisfies ReservationCancelledEventData,
    });
  }

  async missed(reservation: ReservationRecord, reason: string): Promise<void> {
    await this.events.publish({
      type: DOMAIN_EVENTS.reservationMissed,
      aggregateId: reservation.id,
      data: { ...slotData(reservation), reason } satisfies ReservationMissedEventData,
    });
  }

  async reminders(reservations: ReservationRecord[], now: Date): Promise<void> {
    await this.events.publish(
      reservations.map((reservation) => ({
        type: DOMAIN_EVENTS.reservationReminder,
        aggregateId: reservation.id,
        data: {
          ...slotData(reservation),
          minutesLeft: Math.max(0, Math.ceil((reservation.startAt.getTime() - now.getTime()) / 60_000)),
        } satisfies ReservationReminderEventData,
      })),
    );
  }
}

function slotData(reservation: ReservationRecord): ReservationConfirmedEventData {
  return {
    reservationId: reservation.id,
    deviceId: reservation.deviceId,
    userId: reservation.userId,
    tenantId: reservation.tenantId,
    startAt: reservation.startAt.toISOString(),
    endAt: reservation.endAt.toISOString(),
  };
}
