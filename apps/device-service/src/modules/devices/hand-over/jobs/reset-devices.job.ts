import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron } from '@cloudphone/shared';
import { DeviceHandOver } from '../device-hand-over.service';

/**
 * Every 5 s: wipes devices still `resetting` — released on a replica that died before its own pass,
 * or whose runner died mid-wipe (lease older than DEVICE_RESET_TIMEOUT_MS). Runs are long when the
 * provider is slow; the leases, not the cron lock, keep two runners off one device.
 */
@Injectable()
export class ResetDevicesJob {
  private readonly logger = new Logger(ResetDevicesJob.name);

  constructor(private readonly handOver: DeviceHandOver) {}

  @ClusterSafeCron('*/5 * * * * *', { name: 'reset-devices', maxRunMs: 60_000 })
  async reset(): Promise<void> {
    const outcome = await this.handOver.runPass();
    if (outcome.wiped + outcome.failed > 0) this.logger.log({ msg: 'devices handed over', ...outcome });
  }
}
