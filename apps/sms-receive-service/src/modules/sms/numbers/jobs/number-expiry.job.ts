import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { NumberEnding } from '../number-ending.service';

/** Numbers ended, and providers told, per batch. */
const BATCH = 200;

/**
 * Ends numbers past their expiry: one without a code is cancelled at its provider (refunded) and
 * costs its user nothing (`sms.number_expired`); one with a code is finished. Then tells providers
 * about ended numbers an earlier attempt could not reach.
 */
@Injectable()
export class NumberExpiryJob {
  constructor(private readonly ending: NumberEnding) {}

  @ClusterSafeCron('* * * * *', { name: 'number-expiry', maxRunMs: 55_000, jitterMs: 2000 })
  async expire({ signal }: CronRunContext): Promise<void> {
    while (!signal.aborted && (await this.ending.expireDue(BATCH)).length === BATCH);
    if (!signal.aborted) await this.ending.settlePending(BATCH);
  }
}
