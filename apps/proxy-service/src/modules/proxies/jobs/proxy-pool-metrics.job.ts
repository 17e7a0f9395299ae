import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { ProxiesRepository } from '../proxies.repository';

/**
 * Proxy pool metrics: proxies per status and country with their average quality score, refreshed
 * once a minute by whichever replica wins the tick (input for cost monitoring and ranking, §6).
 */
@Injectable()
export class ProxyPoolMetricsJob {
  private readonly logger = new Logger('ProxyPoolMetricsJob');
  private readonly proxiesGauge: Gauge<'status' | 'country'>;
  private readonly qualityGauge: Gauge<'status' | 'country'>;

  constructor(
    private readonly proxies: ProxiesRepository,
    metrics: MetricsService,
  ) {
    this.proxiesGauge = metrics.gauge({
      name: 'cloudphone_proxies',
      help: 'Proxies by status and country (proxy-pool-metrics job)',
      labelNames: ['status', 'country'],
    });
    this.qualityGauge = metrics.gauge({
      name: 'cloudphone_proxies_quality_score_average',
      help: 'Average proxy quality score (0-100) by status and country (proxy-pool-metrics job)',
      labelNames: ['status', 'country'],
    });
  }

  @ClusterSafeCron('* * * * *', { name: 'proxy-pool-metrics', maxRunMs: 30_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    const rows = await this.proxies.summarizeByStatusAndCountry();
    signal.throwIfAborted();
    this.proxiesGauge.reset();
    this.qualityGauge.reset();
    for (const row of rows) {
      const labels = { status: row.status, country: row.countryCode };
      this.proxiesGauge.set(labels, row.count);
      this.qualityGauge.set(labels, row.averageQuality);
    }
    this.logger.log({
      msg: 'proxy pool metrics collected',
      proxies: rows.reduce((sum, row) => sum + row.count, 0),
    });
  }
}
