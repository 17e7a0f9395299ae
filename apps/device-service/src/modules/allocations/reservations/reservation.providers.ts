import { BookReservationUseCase } from './book-reservation.use-case';
import { ChangeReservationUseCase } from './change-reservation.use-case';
import { ActivateReservationsJob } from './jobs/activate-reservations.job';
import { ExpireReservationsJob } from './jobs/expire-reservations.job';
import { RemindReservationsJob } from './jobs/remind-reservations.job';
import { ReservationChangesRepository } from './reservation-changes.repository';
import { ReservationEventsPublisher } from './reservation-events.publisher';
import { ReservationJobsRepository } from './reservation-jobs.repository';
import { ReservationQueryService } from './reservation-query.service';
import { ReservationScheduleUseCase } from './reservation-schedule.use-case';
import { ReservationsController } from './reservations.controller';
import { ReservationsRepository } from './reservations.repository';

/**
 * Reservations are part of the scheduler: their slots are rows of device_allocations, under its
 * exclusion constraint, and become allocations at their start. AllocationsModule registers these.
 */
export const RESERVATION_CONTROLLERS = [ReservationsController];
export const RESERVATION_PROVIDERS = [
  ReservationsRepository,
  ReservationChangesRepository,
  ReservationJobsRepository,
  ReservationEventsPublisher,
  BookReservationUseCase,
  ChangeReservationUseCase,
  ReservationQueryService,
  ReservationScheduleUseCase,
  ActivateReservationsJob,
  RemindReservationsJob,
  ExpireReservationsJob,
];
