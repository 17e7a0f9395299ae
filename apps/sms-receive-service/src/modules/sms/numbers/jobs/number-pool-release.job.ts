import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron } from '@cloudphone/shared';
import { NumberPool } from '../number-pool.service';

/** Gives back pooled numbers too close to their expiry, or of pairs no longer targeted (refunded). */
@Injectable()
export class NumberPoolReleaseJob {
  private readonly logger = new Logger(NumberPoolReleaseJob.name);

  constructor(private readonly pool: NumberPool) {}

  @ClusterSafeCron('* * * * *', { name: 'number-pool-release', maxRunMs: 50_000, jitterMs: 3000 })
  async release(): Promise<void> {
    const released = await this.pool.release();
    if (released > 0) this.logger.log({ msg: 'sms pool numbers released', released });
  }
}
