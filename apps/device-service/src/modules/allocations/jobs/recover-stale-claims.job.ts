import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { RecoverStaleClaimsUseCase } from '../recover-stale-claims.use-case';

/**
 * State recovery (§6): fails claims left `pending` past ALLOCATION_CLAIM_TIMEOUT_MS by requests
 * that died, frees their devices and restores their quota (RecoverStaleClaimsUseCase).
 */
@Injectable()
export class RecoverStaleClaimsJob {
  private readonly logger = new Logger(RecoverStaleClaimsJob.name);

  constructor(private readonly recovery: RecoverStaleClaimsUseCase) {}

  @ClusterSafeCron('* * * * *', { name: 'recover-stale-claims', maxRunMs: 55_000, jitterMs: 3000 })
  async recover({ signal }: CronRunContext): Promise<void> {
    const recovered = await this.recovery.recover(signal);
    if (recovered > 0)
      this.logger.warn({ msg: 'abandoned claims failed and their quota restored', recovered });
  }
}
