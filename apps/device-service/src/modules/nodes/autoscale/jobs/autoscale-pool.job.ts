import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { PoolAutoscalerUseCase } from '../pool-autoscaler.use-case';

/** Every minute: each POOL_AUTOSCALE pool back between its minimum and maximum of free devices. */
@Injectable()
export class AutoscalePoolJob {
  private readonly logger = new Logger(AutoscalePoolJob.name);

  constructor(private readonly autoscaler: PoolAutoscalerUseCase) {}

  @ClusterSafeCron('* * * * *', { name: 'autoscale-pool', maxRunMs: 55_000 })
  async scale({ signal }: CronRunContext): Promise<void> {
    const outcome = await this.autoscaler.scale(signal);
    if (outcome.provisioned + outcome.retired + outcome.short > 0)
      this.logger.log({ msg: 'pools scaled', ...outcome });
  }
}
