import { Injectable } from '@nestjs/common';
import { DeviceAllocationsClient, UserStandingClient } from '@cloudphone/shared';
import { RentalEnding } from './rental-ending.service';
import { RentalsRepository } from './rentals.repository';

/** Rentals looked at per run (oldest first), and users asked about per device-service call. */
const SCAN_LIMIT = 1000;
const USERS_PER_QUERY = 100;
/** A rental this young may be bound to an allocation whose end event is still on its way. */
const GRACE_SECONDS = 60;

/**
 * Finds live rentals whose allocation is not live at device-service any more, or whose renter
 * user-service no longer has as active, and ends them. Asks, never guesses: a dependency that does
 * not answer ends nothing this run (its client throws and the run fails, to be retried).
 */
@Injectable()
export class OrphanRentals {
  constructor(
    private readonly rentals: RentalsRepository,
    private readonly ending: RentalEnding,
    private readonly allocations: DeviceAllocationsClient,
    private readonly users: UserStandingClient,
  ) {}

  async endOrphans(signal: AbortSignal): Promise<{ allocationEnded: number; userGone: number }> {
    let allocationEnded = 0;
    const bound = await this.rentals.liveBound(SCAN_LIMIT, GRACE_SECONDS);
    const userIds = [...new Set(bound.map((rental) => rental.userId))];
    for (let index = 0; index < userIds.length && !signal.aborted; index += USERS_PER_QUERY) {
      const users = new Set(userIds.slice(index, index + USERS_PER_QUERY));
      const live = await this.allocations.liveAllocationIds([...users]);
      for (const rental of bound) {
        if (users.has(rental.userId) && !live.has(rental.allocationId)) {
          allocationEnded += (await this.ending.endForAllocation(rental.allocationId)).length;
        }
      }
    }
    let userGone = 0;
    for (const userId of await this.rentals.liveUsers(SCAN_LIMIT, GRACE_SECONDS)) {
      if (signal.aborted) break;
      if ((await this.users.standing(userId)) === 'gone')
        userGone += (await this.ending.endForUser(userId)).length;
    }
    return { allocationEnded, userGone };
  }
}
