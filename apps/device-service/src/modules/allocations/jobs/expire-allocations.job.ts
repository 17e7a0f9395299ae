import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { ExpireAllocationsUseCase } from '../expire-allocations.use-case';

/**
 * Reclaims allocations past their end (ExpireAllocationsUseCase.expireDue). Two runners never
 * expire one allocation twice (SKIP LOCKED and a conditional update), so an overlapping manual
 * trigger is harmless.
 */
@Injectable()
export class ExpireAllocationsJob {
  private readonly logger = new Logger(ExpireAllocationsJob.name);

  constructor(private readonly expiry: ExpireAllocationsUseCase) {}

  @ClusterSafeCron('* * * * *', { name: 'expire-allocations', maxRunMs: 55_000, jitterMs: 1000 })
  async expire({ signal, scheduledAt }: CronRunContext): Promise<void> {
    const expired = await this.expiry.expireDue(signal);
    if (expired > 0)
      this.logger.log({ msg: 'allocations expired', expired, tick: scheduledAt.toISOString() });
  }
}
