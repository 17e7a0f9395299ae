import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron } from '@cloudphone/shared';
import { ProviderReconciliationUseCase } from '../provider-reconciliation.use-case';

/** Every 5 minutes: the pool against what its provider holds; repairs or flags each difference. */
@Injectable()
export class ReconcileProviderStateJob {
  private readonly logger = new Logger(ReconcileProviderStateJob.name);

  constructor(private readonly reconciliation: ProviderReconciliationUseCase) {}

  @ClusterSafeCron('*/5 * * * *', { name: 'reconcile-provider-state', maxRunMs: 240_000 })
  async reconcile(): Promise<void> {
    const outcome = await this.reconciliation.reconcile();
    const differences = Object.values(outcome).reduce((sum, count) => sum + count, 0);
    if (differences > 0) this.logger.warn({ msg: 'provider drift', ...outcome });
  }
}
