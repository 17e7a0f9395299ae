import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { QualityService } from '../quality.service';

/** Rolls proxy and provider quality scores forward and trims old probes (QualityService.rescore). */
@Injectable()
export class ProxyQualityScoringJob {
  constructor(private readonly quality: QualityService) {}

  @ClusterSafeCron('*/5 * * * *', { name: 'proxy-quality-scoring', maxRunMs: 240_000, jitterMs: 5000 })
  async score({ signal }: CronRunContext): Promise<void> {
    await this.quality.rescore(signal);
  }
}
