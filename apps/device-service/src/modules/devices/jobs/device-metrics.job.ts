import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { DevicesRepository } from '../devices.repository';

/**
 * Device metrics (§6): the pool per status, health and region as gauges, refreshed once a minute
 * by whichever replica wins the tick.
 */
@Injectable()
export class DeviceMetricsJob {
  private readonly logger = new Logger('DeviceMetricsJob');
  private readonly devicesGauge: Gauge<'status' | 'health' | 'region'>;

  constructor(
    private readonly devices: DevicesRepository,
    metrics: MetricsService,
  ) {
    this.devicesGauge = metrics.gauge({
      name: 'cloudphone_devices',
      help: 'Devices by status, health and region (device-metrics job)',
      labelNames: ['status', 'health', 'region'],
    });
  }

  @ClusterSafeCron('* * * * *', { name: 'device-metrics', maxRunMs: 30_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    const rows = await this.devices.countByStatusHealthAndRegion();
    signal.throwIfAborted();
    // Reset first so a region or state that emptied out disappears instead of keeping its old value.
    this.devicesGauge.reset();
    for (const row of rows) {
      this.devicesGauge.set({ status: row.status, health: row.health, region: row.region }, row.count);
    }
    this.logger.log({
      msg: 'device metrics collected',
      devices: rows.reduce((sum, row) => sum + row.count, 0),
    });
  }
}
