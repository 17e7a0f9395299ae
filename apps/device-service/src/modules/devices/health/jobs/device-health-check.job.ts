import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { DeviceHealthCheckUseCase } from '../device-health-check.use-case';

/** Every 30 s: probes every available and allocated device; repeated failures fail the device. */
@Injectable()
export class DeviceHealthCheckJob {
  private readonly logger = new Logger(DeviceHealthCheckJob.name);

  constructor(private readonly healthCheck: DeviceHealthCheckUseCase) {}

  @ClusterSafeCron('*/30 * * * * *', { name: 'device-health-check', maxRunMs: 28_000 })
  async check({ signal }: CronRunContext): Promise<void> {
    const outcome = await this.healthCheck.checkAll(signal);
    if (outcome.unhealthy > 0) this.logger.warn({ msg: 'device health check', ...outcome });
  }
}
