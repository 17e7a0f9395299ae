import { Injectable } from '@nestjs/common';
import { type RenterEndReason, RenterEventsHandler } from '@cloudphone/shared';
import { NumberEnding } from '../number-ending.service';

/**
 * Numbers end with their allocation or their user (the events: RenterEventsHandler): one that waits
 * for a code is cancelled (never charged), one that got it is finished.
 */
@Injectable()
export class AllocationEventsHandler extends RenterEventsHandler {
  constructor(private readonly ending: NumberEnding) {
    super();
  }

  protected endForAllocation(allocationId: string): Promise<unknown> {
    return this.ending.endForAllocation(allocationId);
  }

  protected endForUser(userId: string, reason: RenterEndReason): Promise<unknown> {
    return this.ending.endForUser(userId, reason);
  }
}
