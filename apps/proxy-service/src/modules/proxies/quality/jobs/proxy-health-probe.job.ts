import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { QualityService } from '../quality.service';

/** Probes through the least recently probed proxies (QualityService.probeDue), once a minute. */
@Injectable()
export class ProxyHealthProbeJob {
  private readonly logger = new Logger(ProxyHealthProbeJob.name);

  constructor(private readonly quality: QualityService) {}

  @ClusterSafeCron('* * * * *', { name: 'proxy-health-probe', maxRunMs: 55_000 })
  async probe({ signal }: CronRunContext): Promise<void> {
    const { probed, failed } = await this.quality.probeDue(signal);
    if (probed > 0) this.logger.log({ msg: 'proxies probed', probed, failed });
  }
}
