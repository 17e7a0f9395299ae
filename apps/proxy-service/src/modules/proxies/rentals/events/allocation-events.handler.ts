import { Injectable } from '@nestjs/common';
import { type RenterEndReason, RenterEventsHandler } from '@cloudphone/shared';
import { RentalEnding } from '../rental-ending.service';

/** Proxy rentals end with their allocation or their renter (the events: RenterEventsHandler). */
@Injectable()
export class AllocationEventsHandler extends RenterEventsHandler {
  constructor(private readonly ending: RentalEnding) {
    super();
  }

  protected endForAllocation(allocationId: string): Promise<unknown> {
    return this.ending.endForAllocation(allocationId);
  }

  protected endForUser(userId: string, reason: RenterEndReason): Promise<unknown> {
    return this.ending.endForUser(userId, reason);
  }
}
