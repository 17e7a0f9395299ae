import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron } from '@cloudphone/shared';
import { NumberBlacklist } from '../number-blacklist.service';

/** Blocks numbers and providers that keep failing, for a while, and lifts blocks that ended. */
@Injectable()
export class BlacklistMaintenanceJob {
  private readonly logger = new Logger(BlacklistMaintenanceJob.name);

  constructor(private readonly blacklist: NumberBlacklist) {}

  @ClusterSafeCron('*/5 * * * *', { name: 'blacklist-maintenance', maxRunMs: 120_000, jitterMs: 5000 })
  async maintain(): Promise<void> {
    const changes = await this.blacklist.maintain();
    if (changes.numbers + changes.providers + changes.lifted > 0)
      this.logger.log({ msg: 'sms blacklist maintained', ...changes });
  }
}
