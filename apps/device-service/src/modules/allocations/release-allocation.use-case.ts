import { Injectable, Logger } from '@nestjs/common';
import type { AllocationEndReason, AllocationResponse, ReleaseDeviceRequest } from '@cloudphone/contracts';
import { mayActFor, type Principal, standingToward } from '@cloudphone/shared';
import { type AllocationRecord, toAllocationResponse } from './allocation-record';
import { AllocationErrors } from './allocations.errors';
import { AllocationsRepository } from './allocations.repository';
import { EndAllocations } from './end-allocations.service';

/**
 * Release (§5): an allocation ends before its time, billed to the second up to now, its device
 * freed and its quota given back (EndAllocations does the ending; this decides whether and why).
 */
@Injectable()
export class ReleaseAllocationUseCase {
  private readonly logger = new Logger(ReleaseAllocationUseCase.name);

  constructor(
    private readonly allocations: AllocationsRepository,
    private readonly endings: EndAllocations,
  ) {}

  /**
   * Ends an allocation (by id, or the device's current one) for its owner, an admin (reason
   * `admin` when it is another user's) or a service. Repeatable, because a client whose first
   * answer was lost must be able to ask again: a repeat (or a race lost to the expiry job) answers
   * the ended allocation. A `fencingToken` naming an older claim of the device is refused, so a
   * late release never ends the next renter's allocation.
   */
  async release(principal: Principal, request: ReleaseDeviceRequest): Promise<AllocationResponse> {
    if ((request.allocationId === undefined) === (request.deviceId === undefined)) {
      throw AllocationErrors.invalidRequest('allocationId', 'give exactly one of allocationId or deviceId');
    }
    if (request.allocationId !== undefined && principal.kind === 'user') {
      // The common case in one transaction, without a look-up first: the caller's own active
      // allocation, which the checks below would let them end as `released`. Anything else (not
      // theirs, not active, a stale fencing token) ends nothing here and takes the long way.
      const ended = await this.endings.endOne(
        request.allocationId,
        'released',
        request.fencingToken,
        principal.userId,
      );
      if (ended) return this.answerEnded(ended, 'released');
    }
    const current = request.allocationId
      ? await this.allocations.findById(request.allocationId)
      : await this.allocations.findCurrentOfDevice(request.deviceId as string);
    if (!current) throw AllocationErrors.notFound({ ...request });
    if (!mayActFor(principal, current.userId)) throw AllocationErrors.notYours();
    if (request.fencingToken !== undefined && request.fencingToken !== current.fencingToken) {
      throw AllocationErrors.staleFencingToken(request.fencingToken, current.fencingToken);
    }
    if (current.status === 'pending') throw AllocationErrors.requestInProgress(current.id);
    if (current.status !== 'active') return toAllocationResponse(current);

    const reason = standingToward(principal, current.userId) === 'admin' ? 'admin' : 'released';
    const ended = await this.endings.endOne(current.id, reason, current.fencingToken);
    if (ended) return this.answerEnded(ended, reason);
    // Ended meanwhile by a concurrent release or the expiry job: answer what happened.
    const settled = await this.allocations.findById(current.id);
    return toAllocationResponse(settled ?? current);
  }

  private answerEnded(ended: AllocationRecord, reason: AllocationEndReason): AllocationResponse {
    this.logger.log({
      msg: 'allocation released',
      allocationId: ended.id,
      deviceId: ended.deviceId,
      billedSeconds: ended.billedSeconds,
      reason,
    });
    return toAllocationResponse(ended);
  }

  /**
   * Ends every active allocation of a user at once (`account_overdue`: billing says the account
   * cannot pay any more), inside the caller's transaction — the event handler's, so it happens
   * once per event. Reports are sent in the background; nobody waits for them.
   */
  releaseAllOfUser(userId: string, reason: AllocationEndReason): Promise<AllocationRecord[]> {
    return this.endings.endAllOfUser(userId, reason);
  }
}
