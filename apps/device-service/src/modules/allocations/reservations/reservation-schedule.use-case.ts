import { Injectable, Logger } from '@nestjs/common';
import { CacheService, TransactionRunner } from '@cloudphone/shared';
import { DeviceFreedSignal } from '../../devices';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import { AVAILABLE_DEVICES_CACHE_TAG } from '../../devices';
import { UsageReportDispatcher } from '../../usage-reports';
import { AllocationEventsPublisher } from '../allocation-events.publisher';
import { quotaRestoreReport } from '../allocation-usage-reports';
import { ExpireAllocationsUseCase } from '../expire-allocations.use-case';
import { inBatches } from '../in-batches';
import { SchedulerClock } from '../scheduler-clock';
import { ReservationChangesRepository } from './reservation-changes.repository';
import { ReservationEventsPublisher } from './reservation-events.publisher';
import { ReservationJobsRepository } from './reservation-jobs.repository';
import type { ReservationRecord } from './reservation-record';

/**
 * What time does to reservations (the three reservation jobs): due ones become allocations,
 * upcoming ones get a reminder, no-shows and abandoned bookings let go of what they hold. Every
 * step is a conditional statement, so two replicas at once, or one killed half-way, change each
 * reservation once.
 */
@Injectable()
export class ReservationScheduleUseCase {
  private readonly logger = new Logger(ReservationScheduleUseCase.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly jobs: ReservationJobsRepository,
    private readonly changes: ReservationChangesRepository,
    private readonly expiry: ExpireAllocationsUseCase,
    private readonly allocationEvents: AllocationEventsPublisher,
    private readonly publisher: ReservationEventsPublisher,
    private readonly dispatcher: UsageReportDispatcher,
    private readonly cache: CacheService,
    private readonly clock: SchedulerClock,
    private readonly freed: DeviceFreedSignal,
    private readonly config: DeviceServiceConfig,
  ) {}

  /**
   * Turns due reservations into active allocations with `device.allocated` (their quota was taken
   * at booking). Allocations ending at a slot's start are expired first, so the device is free.
   */
  async activateDue(signal: AbortSignal): Promise<number> {
    await this.expiry.expireDue(signal);
    const batch = this.config.allocationJobBatchSize;
    return inBatches(
      () =>
        this.transactions.run(async () => {
          const active = await this.jobs.activateDue(await this.clock.now(), batch);
          for (const allocation of active) await this.allocationEvents.allocated(allocation);
          if (active.length > 0) {
            this.logger.log({ msg: 'reservations activated', reservationIds: active.map(({ id }) => id) });
          }
          return active.length;
        }),
      batch,
      signal,
    );
  }

  /** `reservation.reminder` once per reservation, RESERVATION_REMINDER_MINUTES before its start. */
  remindDue(signal: AbortSignal): Promise<number> {
    const batch = this.config.allocationJobBatchSize;
    return inBatches(
      () =>
        this.transactions.run(async () => {
          const now = await this.clock.now();
          const due = await this.jobs.remindDue(now, this.config.reservationReminderMinutes, batch);
          await this.publisher.reminders(due, now);
          return due.length;
        }),
      batch,
      signal,
    );
  }

  /**
   * No-shows (confirmed, not activated RESERVATION_NO_SHOW_MINUTES after the start: the device was
   * never free or rentable) become `missed`; bookings left `pending` by a dead request past
   * ALLOCATION_CLAIM_TIMEOUT_MS are refused. Both free the slot and give the quota back.
   */
  async expireDue(): Promise<number> {
    const batch = this.config.allocationJobBatchSize;
    const now = await this.clock.now();
    const missed = await this.jobs.overdue(now, this.config.reservationNoShowMinutes, batch);
    const abandoned = await this.jobs.abandoned(this.config.allocationClaimTimeoutMs, batch);
    let ended = 0;
    for (const reservation of missed) if (await this.release(reservation, 'missed', now)) ended++;
    for (const reservation of abandoned) if (await this.release(reservation, 'refused', now)) ended++;
    return ended;
  }

  private async release(
    reservation: ReservationRecord,
    status: 'missed' | 'refused',
    now: Date,
  ): Promise<boolean> {
    const reason = status === 'missed' ? 'NOT_ACTIVATED' : 'BOOKING_ABANDONED';
    const from = status === 'missed' ? 'confirmed' : 'pending';
    const reports = await this.transactions.run(async () => {
      const ended = await this.changes.end(
        reservation.id,
        { reservationStatus: status, fromStatus: from },
        now,
        {
          failureCode: reason,
        },
      );
      if (!ended) return null;
      if (status === 'missed') await this.publisher.missed(reservation, reason);
      return this.dispatcher.store([quotaRestoreReport(reservation)]);
    });
    if (reports === null) return false;
    this.dispatcher.deliverInBackground(reports);
    this.freed.raise();
    await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
    this.logger.warn({ msg: `reservation ${status}`, reservationId: reservation.id, reason });
    return true;
  }
}
