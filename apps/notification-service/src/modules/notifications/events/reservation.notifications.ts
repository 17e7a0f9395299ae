import {
  DOMAIN_EVENTS,
  type ReservationCancelledEventData,
  type ReservationConfirmedEventData,
  type ReservationMissedEventData,
  type ReservationReminderEventData,
} from '@cloudphone/contracts';
import type { EventNotificationRecipe } from './event-notification-recipe';
import { canonicalInstant, formatMinutes, formatUtc } from './notification-text.formatters';

const slot = (data: { startAt: string; endAt: string }) =>
  `${formatUtc(data.startAt)} to ${formatUtc(data.endAt)}`;

/** `reservation.confirmed` → "Reservation confirmed"; one per reservation. */
export const RESERVATION_CONFIRMED_NOTIFICATION: EventNotificationRecipe<ReservationConfirmedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.reservationConfirmed}:${data.reservationId}`,
  text: (data) => ({ title: 'Reservation confirmed', body: `Your device is booked from ${slot(data)}.` }),
};

/**
 * `reservation.reminder` → "Reservation starts soon"; one per reservation and start (a moved one
 * is reminded again), dropped when the reservation was cancelled or missed meanwhile.
 */
export const RESERVATION_REMINDER_NOTIFICATION: EventNotificationRecipe<ReservationReminderEventData> = {
  versions: [1],
  sourceKey: (data) =>
    `${DOMAIN_EVENTS.reservationReminder}:${data.reservationId}:${canonicalInstant(data.startAt)}`,
  supersededBy: (data) => [
    `${DOMAIN_EVENTS.reservationCancelled}:${data.reservationId}`,
    `${DOMAIN_EVENTS.reservationMissed}:${data.reservationId}`,
  ],
  text: (data) => ({
    title: 'Reservation starts soon',
    body: `Your reserved device is yours in ${formatMinutes(data.minutesLeft)}, from ${slot(data)}.`,
  }),
};

/** `reservation.cancelled` → "Reservation cancelled", with the fee when one was billed. */
export const RESERVATION_CANCELLED_NOTIFICATION: EventNotificationRecipe<ReservationCancelledEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.reservationCancelled}:${data.reservationId}`,
  text: (data) => ({
    title: 'Reservation cancelled',
    body:
      `Your reservation from ${slot(data)} is cancelled.` +
      (data.feeSeconds > 0 ? ` A late-cancellation fee of ${data.feeSeconds} s of use is billed.` : ''),
  }),
};

/** `reservation.missed` → "Reservation missed": it could not start; nothing is held or billed. */
export const RESERVATION_MISSED_NOTIFICATION: EventNotificationRecipe<ReservationMissedEventData> = {
  versions: [1],
  sourceKey: (data) => `${DOMAIN_EVENTS.reservationMissed}:${data.reservationId}`,
  text: (data) => ({
    title: 'Reservation missed',
    body: `Your reservation from ${slot(data)} could not start (${data.reason}); it was released and not billed.`,
  }),
};
