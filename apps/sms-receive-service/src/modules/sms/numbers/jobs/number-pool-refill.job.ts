import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { NumberPool } from '../number-pool.service';

/** Tops the warm pool up to SMS_POOL_TARGETS within SMS_POOL_DAILY_BUDGET_MINOR. */
@Injectable()
export class NumberPoolRefillJob {
  private readonly logger = new Logger(NumberPoolRefillJob.name);

  constructor(private readonly pool: NumberPool) {}

  @ClusterSafeCron('* * * * *', { name: 'number-pool-refill', maxRunMs: 50_000, jitterMs: 3000 })
  async refill({ signal }: CronRunContext): Promise<void> {
    const bought = await this.pool.refill(signal);
    if (bought > 0) this.logger.log({ msg: 'sms pool refilled', bought });
  }
}
