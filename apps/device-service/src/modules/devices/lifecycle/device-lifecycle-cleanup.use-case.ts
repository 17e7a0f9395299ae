import { Injectable, Logger } from '@nestjs/common';
import { mapInParallel } from '@cloudphone/shared';
import { DeviceProvisioner } from '../device-provisioner.service';
import { DeviceLifecycleRepository } from './device-lifecycle.repository';

const BATCH = 100;
const IN_FLIGHT = 8;

/**
 * device-lifecycle-cleanup (§6 "lifecycle automation"): a retired device was destroyed when it was
 * retired, but a provider may keep what it left behind (a container a Docker host failed to remove,
 * volumes, a VM a cloud kept running after a timeout). Each retired device is destroyed once more —
 * destroy is idempotent at every provider — and marked cleared; one the provider refuses stays
 * uncleared and is tried again next run.
 */
@Injectable()
export class DeviceLifecycleCleanupUseCase {
  private readonly logger = new Logger(DeviceLifecycleCleanupUseCase.name);

  constructor(
    private readonly repository: DeviceLifecycleRepository,
    private readonly provisioner: DeviceProvisioner,
  ) {}

  async cleanUp(signal: AbortSignal): Promise<{ cleared: number; failed: number }> {
    const outcome = { cleared: 0, failed: 0 };
    for (;;) {
      signal.throwIfAborted();
      const batch = await this.repository.uncleared(BATCH);
      const served = await Promise.all(batch.map((device) => this.provisioner.serves(device)));
      const retired = batch.filter((_device, index) => served[index]);
      if (retired.length === 0) return outcome;
      const cleared = await mapInParallel(retired, IN_FLIGHT, async (device) => {
        try {
          await this.provisioner.destroy(device);
          return device.id;
        } catch (error) {
          this.logger.warn({
            msg: 'leftovers of a retired device not cleared; next run retries',
            deviceId: device.id,
            err: error,
          });
          return null;
        }
      });
      const ids = cleared.filter((id): id is string => id !== null);
      await this.repository.markCleared(ids);
      outcome.cleared += ids.length;
      outcome.failed += retired.length - ids.length;
      if (ids.length === 0) return outcome;
    }
  }
}
