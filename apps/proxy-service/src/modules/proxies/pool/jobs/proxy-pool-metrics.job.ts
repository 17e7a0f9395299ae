import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { PoolService } from '../pool.service';

/**
 * The pool as gauges, once a minute: proxies per state (available, assigned, quarantined, retired)
 * and country with their average quality, and live rentals. "Pool exhausted" and "quarantine
 * growing" alerts read these.
 */
@Injectable()
export class ProxyPoolMetricsJob {
  private readonly proxiesGauge: Gauge<'state' | 'country'>;
  private readonly qualityGauge: Gauge<'state' | 'country'>;
  private readonly rentalsGauge: Gauge;

  constructor(
    private readonly pool: PoolService,
    metrics: MetricsService,
  ) {
    this.proxiesGauge = metrics.gauge({
      name: 'cloudphone_proxies',
      help: 'Proxies by pool state and country (proxy-pool-metrics job)',
      labelNames: ['state', 'country'],
    });
    this.qualityGauge = metrics.gauge({
      name: 'cloudphone_proxies_quality_score_average',
      help: 'Average quality score (0-100) of the proxies by pool state and country',
      labelNames: ['state', 'country'],
    });
    this.rentalsGauge = metrics.gauge({
      name: 'cloudphone_proxy_rentals_active',
      help: 'Live proxy rentals (proxy-pool-metrics job)',
    });
  }

  @ClusterSafeCron('* * * * *', { name: 'proxy-pool-metrics', maxRunMs: 30_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    const { rows, liveRentals } = await this.pool.census();
    signal.throwIfAborted();
    // Reset first so a state or country that emptied out disappears instead of keeping its old value.
    this.proxiesGauge.reset();
    this.qualityGauge.reset();
    for (const row of rows) {
      this.proxiesGauge.set({ state: row.state, country: row.countryCode }, row.count);
      this.qualityGauge.set({ state: row.state, country: row.countryCode }, row.averageQuality);
    }
    this.rentalsGauge.set(liveRentals);
  }
}
