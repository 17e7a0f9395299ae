import { Injectable } from '@nestjs/common';
import type {
  CheckReservationConflictRequest,
  CheckReservationConflictResponse,
  ReservationResponse,
  ReservationStatsResponse,
} from '@cloudphone/contracts';
import { actsForEveryone, type ListQuery, type Page, type Principal } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import { listOwnerOf } from '../allocation-request';
import { SchedulerClock } from '../scheduler-clock';
import { toReservationResponse } from './reservation-record';
import { slotProblem, slotRulesOf } from './reservation-slot';
import { ReservationErrors } from './reservations.errors';
import { ReservationsRepository } from './reservations.repository';

/** Reads of reservations: lists, one, the conflict check and the summary. */
@Injectable()
export class ReservationQueryService {
  constructor(
    private readonly reservations: ReservationsRepository,
    private readonly clock: SchedulerClock,
    private readonly config: DeviceServiceConfig,
  ) {}

  async list(principal: Principal, query: ListQuery): Promise<Page<ReservationResponse>> {
    const owner = listOwnerOf(principal, query);
    const page = await this.reservations.list(query, owner);
    return { ...page, items: page.items.map(toReservationResponse) };
  }

  async check(request: CheckReservationConflictRequest): Promise<CheckReservationConflictResponse> {
    if ((request.deviceId === undefined) === (request.requirements === undefined)) {
      throw ReservationErrors.deviceOrSpec();
    }
    const startAt = new Date(request.startAt);
    const endAt = new Date(request.endAt);
    const problem = slotProblem(slotRulesOf(this.config), startAt, endAt, await this.clock.now());
    if (problem?.code === 'INVALID_SLOT') throw ReservationErrors.badSlot(problem);
    const found = await this.reservations.conflicts(
      request.deviceId ?? null,
      request.requirements ?? {},
      startAt,
      endAt,
    );
    return {
      available: !problem && found.freeDevices > 0,
      freeDevices: found.freeDevices,
      conflicts: found.conflicts.map((conflict) => ({
        deviceId: conflict.deviceId,
        kind: conflict.kind === 'reservation' ? 'reservation' : 'allocation',
        startsAt: conflict.startsAt.toISOString(),
        endsAt: conflict.endsAt.toISOString(),
      })),
      ...(problem && { invalidReason: problem.code }),
    };
  }

  /** A user's own summary; an admin's or a service's covers everyone. */
  async summary(principal: Principal): Promise<ReservationStatsResponse> {
    const owner = actsForEveryone(principal) || principal.kind !== 'user' ? undefined : principal.userId;
    const summary = await this.reservations.summary(await this.clock.now(), owner);
    return { ...summary, nextStartAt: summary.nextStartAt?.toISOString() ?? null };
  }
}
