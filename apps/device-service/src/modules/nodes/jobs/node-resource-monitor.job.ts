import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron } from '@cloudphone/shared';
import { NodesRepository } from '../nodes.repository';
import { NodesService } from '../nodes.service';

/**
 * Every minute: one usage sample per node (devices, allocated, available, failed, cores and memory
 * in use; kept a week, read by the usage-trend routes), and the devices of draining nodes that
 * nothing holds any more are retired.
 */
@Injectable()
export class NodeResourceMonitorJob {
  private readonly logger = new Logger(NodeResourceMonitorJob.name);

  constructor(
    private readonly nodes: NodesRepository,
    private readonly service: NodesService,
  ) {}

  @ClusterSafeCron('* * * * *', { name: 'node-resource-monitor', maxRunMs: 50_000 })
  async monitor(): Promise<void> {
    const sampled = await this.nodes.sampleUsage();
    const retired = await this.service.retireDrained(null);
    if (retired > 0) this.logger.log({ msg: 'drained devices retired', retired });
    if (sampled > 0) this.logger.debug({ msg: 'node usage sampled', nodes: sampled });
  }
}
