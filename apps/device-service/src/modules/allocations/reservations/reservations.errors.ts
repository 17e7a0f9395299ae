import { AppError, CommonErrors } from '@cloudphone/shared';
import type { SlotProblem } from './reservation-slot';

export const ReservationErrors = {
  badSlot: (problem: SlotProblem) =>
    new AppError(problem.code, problem.code === 'INVALID_SLOT' ? 400 : 422, problem.message),
  deviceOrSpec: () =>
    CommonErrors.validationFailed('give exactly one of deviceId or requirements', [
      { field: 'deviceId', reasons: ['give exactly one of deviceId or requirements'] },
    ]),
  nothingToChange: () =>
    CommonErrors.validationFailed('give startAt, endAt or both', [
      { field: 'startAt', reasons: ['give startAt, endAt or both'] },
    ]),
  /** Nothing meets the request for the whole slot: the named device is taken then, or no device fits. */
  slotTaken: (details: Record<string, unknown>) =>
    CommonErrors.conflict('RESERVATION_CONFLICT', 'No device meets the request for the whole slot', details),
  notFound: (reservationId: string) =>
    new AppError('RESERVATION_NOT_FOUND', 404, 'Reservation not found', { reservationId }),
  /** Only a confirmed reservation (not started, not ended) can be moved or cancelled. */
  notChangeable: (reservationId: string, status: string) =>
    CommonErrors.conflict('RESERVATION_NOT_CHANGEABLE', `A ${status} reservation cannot be changed`, {
      reservationId,
      status,
    }),
};
