import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { ExpireAllocationsUseCase } from '../expire-allocations.use-case';

/**
 * Publishes `allocation.expiring` for allocations ending within ALLOCATION_EXPIRY_WARNING_MINUTES,
 * once per allocation and end time (ExpireAllocationsUseCase.warnExpiring).
 */
@Injectable()
export class WarnExpiringAllocationsJob {
  private readonly logger = new Logger(WarnExpiringAllocationsJob.name);

  constructor(private readonly expiry: ExpireAllocationsUseCase) {}

  @ClusterSafeCron('* * * * *', { name: 'warn-expiring-allocations', maxRunMs: 55_000, jitterMs: 2000 })
  async warn({ signal }: CronRunContext): Promise<void> {
    const warned = await this.expiry.warnExpiring(signal);
    if (warned > 0) this.logger.log({ msg: 'expiry warnings published', warned });
  }
}
