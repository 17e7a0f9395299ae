/** Where a reservation stands (device-service README, Reservations). */
export const RESERVATION_STATUSES = [
  'pending',
  'confirmed',
  'active',
  'completed',
  'cancelled',
  'missed',
  'refused',
] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** Free text a reservation keeps (its note, a cancellation's reason). */
export const RESERVATION_TEXT_MAX_LENGTH = 500;
