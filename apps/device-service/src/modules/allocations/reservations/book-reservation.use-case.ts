import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { CreateReservationRequest, ReservationResponse } from '@cloudphone/contracts';
import { AppError, CacheService, type Principal, TransactionRunner } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import { AVAILABLE_DEVICES_CACHE_TAG } from '../../devices';
import { UsageReportDispatcher } from '../../usage-reports';
import { AllocationEntitlements } from '../allocation-entitlements.service';
import { allocationSubject, type AllocationSubject, idempotencyHeaderOf } from '../allocation-request';
import { quotaRestoreReport, quotaUsageReport } from '../allocation-usage-reports';
import { AllocationErrors } from '../allocations.errors';
import { SchedulerClock } from '../scheduler-clock';
import { ReservationChangesRepository } from './reservation-changes.repository';
import { ReservationEventsPublisher } from './reservation-events.publisher';
import {
  type ReservationRecord,
  type SlotDevice,
  type SlotRequest,
  slotMinutes,
  toReservationResponse,
} from './reservation-record';
import { slotProblem, slotRulesOf } from './reservation-slot';
import { ReservationErrors } from './reservations.errors';
import { ReservationsRepository } from './reservations.repository';

/**
 * How a booking that lost its device to a concurrent one, or found every free qualifying device
 * locked, tries again: up to `attempts` statements in all, after a pause of half of
 * min(maxDelayMs, firstDelayMs·2^(retry−1)) plus up to as much again at random. The jitter spreads
 * bookings that collided so they do not come back as one wave; the sure half makes the attempts
 * span at least ~0.65 s (at most ~1.3 s), longer than a job holds a device row locked.
 */
export const BOOKING_RETRY = { attempts: 12, firstDelayMs: 5, maxDelayMs: 200 } as const;

/** The pause before retry `retry` (from 1) of a booking statement, in ms. */
export function bookingRetryDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(
    BOOKING_RETRY.maxDelayMs,
    BOOKING_RETRY.firstDelayMs * 2 ** Math.max(0, retry - 1),
  );
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface BookingAnswer {
  reservation: ReservationResponse;
  replayed: boolean;
}

/**
 * Book a slot (§5 reservations), as allocate claims a device: the slot row is inserted `reserved`
 * (the exclusion constraint makes it the only claim of that device then), the quota is taken for
 * the slot's device spec and the balance checked for its length, then the booking is confirmed
 * with `reservation.confirmed`. A refusal frees the slot and gives back any quota it took before
 * the caller hears it; a booking whose request died is refused by `expire-reservations`.
 */
@Injectable()
export class BookReservationUseCase {
  private readonly logger = new Logger(BookReservationUseCase.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly reservations: ReservationsRepository,
    private readonly changes: ReservationChangesRepository,
    private readonly entitlements: AllocationEntitlements,
    private readonly dispatcher: UsageReportDispatcher,
    private readonly publisher: ReservationEventsPublisher,
    private readonly cache: CacheService,
    private readonly clock: SchedulerClock,
    private readonly config: DeviceServiceConfig,
  ) {}

  async book(
    principal: Principal,
    request: CreateReservationRequest,
    idempotencyHeader?: string,
  ): Promise<BookingAnswer> {
    if ((request.deviceId === undefined) === (request.requirements === undefined)) {
      throw ReservationErrors.deviceOrSpec();
    }
    const subject = allocationSubject(principal, request);
    const key = idempotencyHeaderOf(idempotencyHeader);
    const hash = bookingHash(subject, request);
    if (key) {
      const earlier = await this.reservations.findByIdempotencyKey(subject.userId, key);
      if (earlier) return replay(earlier, key, hash);
    }
    const startAt = new Date(request.startAt);
    const endAt = new Date(request.endAt);
    const problem = slotProblem(slotRulesOf(this.config), startAt, endAt, await this.clock.now());
    if (problem) throw ReservationErrors.badSlot(problem);

    const slot: SlotRequest = {
      id: randomUUID(),
      userId: subject.userId,
      tenantId: subject.tenantId,
      deviceId: request.deviceId ?? null,
      requirements: request.requirements ?? {},
      startAt,
      endAt,
      note: request.note ?? null,
      idempotencyKey: key,
      requestHash: key ? hash : null,
    };
    const booked = await this.bookSlot(slot);
    if ('earlier' in booked) return replay(booked.earlier, key as string, hash);
    return { reservation: await this.entitle(booked.reservation, booked.device), replayed: false };
  }

  private async bookSlot(
    slot: SlotRequest,
  ): Promise<{ reservation: ReservationRecord; device: SlotDevice } | { earlier: ReservationRecord }> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.reservations.book(slot);
      switch (outcome.kind) {
        case 'booked':
          return outcome;
        case 'none':
          throw ReservationErrors.slotTaken({
            deviceId: slot.deviceId,
            requirements: slot.requirements,
            startAt: slot.startAt.toISOString(),
            endAt: slot.endAt.toISOString(),
          });
        case 'key-taken': {
          const earlier = await this.reservations.findByIdempotencyKey(
            slot.userId,
            slot.idempotencyKey as string,
          );
          if (earlier) return { earlier };
          break;
        }
        case 'lost-race':
        case 'skipped':
          break;
      }
      if (attempt >= BOOKING_RETRY.attempts) {
        this.logger.warn({
          msg: 'booking gave up: at every attempt a concurrent claim took or held the device it chose',
          reservationId: slot.id,
          attempts: attempt,
          last: outcome.kind,
        });
        throw AllocationErrors.requestInProgress(slot.id);
      }
      await sleep(bookingRetryDelayMs(attempt));
    }
  }

  /** Quota and balance for the booked slot's device; confirms it or frees it again. */
  private async entitle(reservation: ReservationRecord, device: SlotDevice): Promise<ReservationResponse> {
    const claim = {
      id: reservation.id,
      userId: reservation.userId,
      durationMinutes: slotMinutes(reservation),
      ...device,
    };
    let refusal: AppError | null = null;
    let quotaTaken = true;
    let quotaDeferred = false;
    try {
      const entitlement = await this.entitlements.confirm(claim);
      if (entitlement.granted) quotaDeferred = entitlement.quotaDeferred;
      else ({ refusal, quotaTaken } = entitlement);
    } catch (error) {
      await this.refuse(reservation, 'INTERNAL_ERROR', true);
      throw error;
    }
    if (refusal) {
      await this.refuse(reservation, refusal.code, quotaTaken);
      throw refusal;
    }
    const confirmed = await this.transactions.run(async () => {
      if (!(await this.changes.confirm(reservation.id))) return null;
      const current = { ...reservation, status: 'confirmed' as const };
      await this.publisher.confirmed(current);
      return {
        current,
        reports: quotaDeferred ? await this.dispatcher.store([quotaUsageReport(claim)]) : [],
      };
    });
    // `expire-reservations` refused it meanwhile as abandoned (and gave its quota back).
    if (!confirmed) throw AllocationErrors.claimAbandoned(reservation.id);
    this.dispatcher.deliverInBackground(confirmed.reports);
    await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
    this.logger.log({
      msg: 'reservation confirmed',
      reservationId: reservation.id,
      deviceId: device.deviceId,
    });
    return toReservationResponse(confirmed.current);
  }

  private async refuse(reservation: ReservationRecord, code: string, restoreQuota: boolean): Promise<void> {
    try {
      const reports = await this.transactions.run(async () => {
        const refused = await this.changes.refuse(reservation.id, code, await this.clock.now());
        return refused && restoreQuota ? this.dispatcher.store([quotaRestoreReport(reservation)]) : [];
      });
      await this.dispatcher.deliver(reports);
    } catch (error) {
      // The booking stays pending; expire-reservations refuses it and restores its quota later.
      this.logger.error({
        msg: 'could not refuse a booking',
        reservationId: reservation.id,
        code,
        err: error,
      });
    }
  }
}

function replay(earlier: ReservationRecord, key: string, hash: string): BookingAnswer {
  if (earlier.requestHash !== hash) throw AllocationErrors.idempotencyKeyReused(key);
  if (earlier.status === 'pending') throw AllocationErrors.requestInProgress(earlier.id);
  return { reservation: toReservationResponse(earlier), replayed: true };
}

function bookingHash(subject: AllocationSubject, request: CreateReservationRequest): string {
  const spec = request.requirements ?? {};
  const canonical = JSON.stringify([
    subject.userId,
    subject.tenantId,
    request.deviceId ?? null,
    spec.cpuCores ?? null,
    spec.memoryMb ?? null,
    spec.storageGb ?? null,
    spec.region ?? null,
    spec.androidVersion ?? null,
    new Date(request.startAt).toISOString(),
    new Date(request.endAt).toISOString(),
    request.note ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
