import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { DeviceLifecycleCleanupUseCase } from '../device-lifecycle-cleanup.use-case';

/** Hourly: destroys once more what retired devices left at their provider. */
@Injectable()
export class DeviceLifecycleCleanupJob {
  private readonly logger = new Logger(DeviceLifecycleCleanupJob.name);

  constructor(private readonly cleanup: DeviceLifecycleCleanupUseCase) {}

  @ClusterSafeCron('20 * * * *', { name: 'device-lifecycle-cleanup', maxRunMs: 600_000 })
  async clean({ signal }: CronRunContext): Promise<void> {
    const outcome = await this.cleanup.cleanUp(signal);
    if (outcome.cleared + outcome.failed > 0) this.logger.log({ msg: 'retired devices cleared', ...outcome });
  }
}
