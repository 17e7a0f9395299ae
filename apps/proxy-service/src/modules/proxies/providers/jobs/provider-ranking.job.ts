import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { ProvidersService } from '../providers.service';

/**
 * Ranks providers (enabled first, then quality score, then average cost) and stores each one's
 * rank, which acquisition uses to break ties between equally good proxies.
 */
@Injectable()
export class ProviderRankingJob {
  private readonly logger = new Logger(ProviderRankingJob.name);
  private readonly rankGauge: Gauge<'provider'>;

  constructor(
    private readonly providers: ProvidersService,
    metrics: MetricsService,
  ) {
    this.rankGauge = metrics.gauge({
      name: 'cloudphone_proxy_provider_rank',
      help: 'Place of each proxy provider in the ranking (1 is best; provider-ranking job)',
      labelNames: ['provider'],
    });
  }

  @ClusterSafeCron('*/5 * * * *', { name: 'provider-ranking', maxRunMs: 60_000, jitterMs: 5000 })
  async rank(): Promise<void> {
    const { items } = await this.providers.storeRanking();
    this.rankGauge.reset();
    for (const entry of items) this.rankGauge.set({ provider: entry.name }, entry.rank);
    this.logger.log({
      msg: 'proxy providers ranked',
      ranking: items.map((entry) => `${entry.rank}:${entry.name}`),
    });
  }
}
