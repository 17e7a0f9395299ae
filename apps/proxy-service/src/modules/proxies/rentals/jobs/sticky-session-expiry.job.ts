import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { RentalEnding } from '../rental-ending.service';

/** Rentals ended per statement; a backlog drains batch after batch within one run. */
const BATCH = 200;

/**
 * Ends rentals past their sticky time and frees their proxies (RentalEnding.endExpired: SKIP LOCKED
 * and a conditional update, so an overlapping trigger never ends one rental twice). Every 10 s: a
 * proxy is held at most that long past its time.
 */
@Injectable()
export class StickySessionExpiryJob {
  constructor(private readonly ending: RentalEnding) {}

  @ClusterSafeCron('*/10 * * * * *', { name: 'sticky-session-expiry', maxRunMs: 9_000 })
  async expire({ signal }: CronRunContext): Promise<void> {
    while (!signal.aborted && (await this.ending.endExpired(BATCH)).length === BATCH);
  }
}
