import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { QuotaReconciliationService } from '../quota-reconciliation.service';

/**
 * Every 10 minutes: the safety net behind device-service's usage reports and restores, in case one
 * was lost (see QuotaReconciliationService). A run that cannot reach device-service fails and
 * changes nothing further; the next tick tries again.
 */
@Injectable()
export class QuotaReconciliationJob {
  private readonly logger = new Logger(QuotaReconciliationJob.name);

  constructor(private readonly reconciliation: QuotaReconciliationService) {}

  @ClusterSafeCron('*/10 * * * *', { name: 'quota-reconciliation', maxRunMs: 300_000, jitterMs: 30_000 })
  async reconcile({ signal }: CronRunContext): Promise<void> {
    const outcome = await this.reconciliation.reconcile(signal);
    this.logger.log({ msg: 'quota reconciliation done', ...outcome });
  }
}
