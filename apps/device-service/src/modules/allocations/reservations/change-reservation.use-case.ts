import { Injectable, Logger } from '@nestjs/common';
import type {
  CancelReservationRequest,
  ReservationResponse,
  UpdateReservationRequest,
} from '@cloudphone/contracts';
import { afterCommit, CacheService, mayActFor, type Principal, TransactionRunner } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import { BillingClient } from '../../../integrations/platform-services/billing.client';
import { AVAILABLE_DEVICES_CACHE_TAG, DeviceFreedSignal } from '../../devices';
import { UsageReportDispatcher } from '../../usage-reports';
import { cancellationFeeReport, quotaRestoreReport } from '../allocation-usage-reports';
import { AllocationErrors } from '../allocations.errors';
import { SchedulerClock } from '../scheduler-clock';
import { ReservationChangesRepository } from './reservation-changes.repository';
import { ReservationEventsPublisher } from './reservation-events.publisher';
import { type ReservationRecord, toReservationResponse } from './reservation-record';
import { cancellationFeeSeconds, slotProblem, slotRulesOf } from './reservation-slot';
import { ReservationErrors } from './reservations.errors';
import { ReservationsRepository } from './reservations.repository';

/** Moves that lose a race for the new slot's device are retried this many times. */
const MAX_MOVE_ATTEMPTS = 3;

/**
 * Changes of a confirmed booking (§5): move or resize its slot (PUT), or cancel it. Both are one
 * conditional statement on the booking and its slot row, so a change racing the activation job or
 * another change applies once or not at all.
 */
@Injectable()
export class ChangeReservationUseCase {
  private readonly logger = new Logger(ChangeReservationUseCase.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly reservations: ReservationsRepository,
    private readonly changes: ReservationChangesRepository,
    private readonly billing: BillingClient,
    private readonly dispatcher: UsageReportDispatcher,
    private readonly publisher: ReservationEventsPublisher,
    private readonly cache: CacheService,
    private readonly clock: SchedulerClock,
    private readonly freed: DeviceFreedSignal,
    private readonly config: DeviceServiceConfig,
  ) {}

  /** The reservation if the caller may act on it; another user's answers 404, like a missing one. */
  async visible(principal: Principal, id: string): Promise<ReservationRecord> {
    const reservation = await this.reservations.findById(id);
    if (!reservation || !mayActFor(principal, reservation.userId)) throw ReservationErrors.notFound(id);
    return reservation;
  }

  /** Moves or resizes the slot; the balance must cover a longer one. Quota is unchanged (same spec). */
  async move(
    principal: Principal,
    id: string,
    request: UpdateReservationRequest,
  ): Promise<ReservationResponse> {
    if (request.startAt === undefined && request.endAt === undefined)
      throw ReservationErrors.nothingToChange();
    const reservation = await this.visible(principal, id);
    if (reservation.status !== 'confirmed') throw ReservationErrors.notChangeable(id, reservation.status);
    const startAt = request.startAt === undefined ? reservation.startAt : new Date(request.startAt);
    const endAt = request.endAt === undefined ? reservation.endAt : new Date(request.endAt);
    const problem = slotProblem(slotRulesOf(this.config), startAt, endAt, await this.clock.now());
    if (problem) throw ReservationErrors.badSlot(problem);
    await this.checkBalance(reservation, startAt, endAt);
    for (let attempt = 1; attempt <= MAX_MOVE_ATTEMPTS; attempt++) {
      const outcome = await this.changes.move(id, startAt, endAt);
      if (outcome === 'moved') {
        this.freed.raise();
        await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
        const moved = await this.visible(principal, id);
        this.logger.log({ msg: 'reservation moved', reservationId: id, deviceId: moved.deviceId });
        return toReservationResponse(moved);
      }
      if (outcome === 'no-device') {
        throw ReservationErrors.slotTaken({
          reservationId: id,
          startAt: startAt.toISOString(),
          endAt: endAt.toISOString(),
        });
      }
      if (outcome === 'not-confirmed') {
        const now = await this.visible(principal, id);
        throw ReservationErrors.notChangeable(id, now.status);
      }
    }
    throw AllocationErrors.requestInProgress(id);
  }

  /** Cancels a confirmed booking: its slot is free, its quota back, and a late one pays the fee. */
  async cancel(
    principal: Principal,
    id: string,
    request: CancelReservationRequest,
  ): Promise<ReservationResponse> {
    const reservation = await this.visible(principal, id);
    // A repeated cancel answers the cancelled reservation again.
    if (reservation.status === 'cancelled') return toReservationResponse(reservation);
    if (reservation.status !== 'confirmed') throw ReservationErrors.notChangeable(id, reservation.status);
    const now = await this.clock.now();
    const feeSeconds = cancellationFeeSeconds(
      reservation,
      now,
      this.config.reservationCancellationFeePercent,
      this.config.reservationFreeCancellationMinutes,
    );
    const device = feeSeconds > 0 ? await this.reservations.slotDevice(id) : null;
    const reports = await this.transactions.run(async () => {
      if (!(await this.changes.cancel(id, now, request.reason ?? null, feeSeconds))) return null;
      await this.publisher.cancelled(reservation, feeSeconds);
      const owed = [quotaRestoreReport(reservation)];
      if (device) owed.push(cancellationFeeReport(reservation, device, feeSeconds));
      return this.dispatcher.store(owed);
    });
    if (reports === null) {
      // Activated or cancelled meanwhile: answer what it is now.
      const current = await this.visible(principal, id);
      if (current.status === 'cancelled') return toReservationResponse(current);
      throw ReservationErrors.notChangeable(id, current.status);
    }
    this.freed.raise();
    await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
    // Waited for, so the quota is back before the caller books again.
    await this.dispatcher.deliver(reports);
    this.logger.log({ msg: 'reservation cancelled', reservationId: id, feeSeconds });
    return toReservationResponse({
      ...reservation,
      status: 'cancelled',
      cancelledAt: now,
      cancelReason: request.reason ?? null,
      cancellationFeeSeconds: feeSeconds,
    });
  }

  /**
   * Cancels every confirmed reservation of a user who may no longer hold any (suspended, deleted),
   * free of charge, inside the caller's transaction (an event handler's: once per event). Their
   * quota restores are sent after the commit.
   */
  async cancelAllOfUser(userId: string, reason: string): Promise<ReservationRecord[]> {
    const now = await this.clock.now();
    const cancelled: ReservationRecord[] = [];
    for (const reservation of await this.reservations.confirmedOfUser(userId)) {
      if (!(await this.changes.cancel(reservation.id, now, reason, 0))) continue;
      await this.publisher.cancelled(reservation, 0);
      cancelled.push(reservation);
    }
    if (cancelled.length === 0) return cancelled;
    const reports = await this.dispatcher.store(cancelled.map(quotaRestoreReport));
    await afterCommit(async () => {
      this.dispatcher.deliverInBackground(reports);
      this.freed.raise();
      await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
    });
    return cancelled;
  }

  private async checkBalance(reservation: ReservationRecord, startAt: Date, endAt: Date): Promise<void> {
    const longer =
      endAt.getTime() - startAt.getTime() > reservation.endAt.getTime() - reservation.startAt.getTime();
    if (!longer) return;
    const device = await this.reservations.slotDevice(reservation.id);
    if (!device) throw ReservationErrors.notFound(reservation.id);
    const balance = await this.billing.checkBalance({
      userId: reservation.userId,
      durationSeconds: Math.ceil((endAt.getTime() - startAt.getTime()) / 1000),
      cpuCores: device.cpuCores,
      memoryMb: device.memoryMb,
      storageGb: device.storageGb,
    });
    if (balance.degraded || balance.sufficient) return;
    throw AllocationErrors.insufficientBalance({
      balanceMinor: balance.response.balanceMinor,
      requiredMinor: balance.response.requiredMinor,
      currency: balance.response.currency,
    });
  }
}
