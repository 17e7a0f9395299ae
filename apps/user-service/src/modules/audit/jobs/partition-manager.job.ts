import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { AuditPartitionsService } from '../audit-partitions.service';

/**
 * Daily: the security audit log's monthly partitions exist for this month and the next ones, and
 * months past retention are dropped. Catches up at start when the last tick was missed; running it
 * again, by hand or on two replicas at once, changes nothing more (see AuditPartitionsService).
 */
@Injectable()
export class PartitionManagerJob {
  private readonly logger = new Logger(PartitionManagerJob.name);

  constructor(private readonly partitions: AuditPartitionsService) {}

  @ClusterSafeCron('15 2 * * *', {
    name: 'partition-manager',
    maxRunMs: 600_000,
    jitterMs: 30_000,
    catchUp: true,
  })
  async maintain({ signal }: CronRunContext): Promise<void> {
    const outcome = await this.partitions.maintain(new Date(), signal);
    this.logger.log({ msg: 'audit partitions maintained', ...outcome });
  }
}
