import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { AllocationMaintenanceService } from '../allocation-maintenance.service';

/**
 * Pool load gauges, once a minute on the replica that wins the tick: holders and rentable devices
 * per region, and allocations per status.
 */
@Injectable()
export class AllocationMetricsJob {
  private readonly activeGauge: Gauge<'region'>;
  private readonly rentableGauge: Gauge<'region'>;
  private readonly statusGauge: Gauge<'status'>;

  constructor(
    private readonly maintenance: AllocationMaintenanceService,
    metrics: MetricsService,
  ) {
    this.activeGauge = metrics.gauge({
      name: 'cloudphone_allocations_active',
      help: 'Allocations holding a device (pending or active) per region (allocation-metrics job)',
      labelNames: ['region'],
    });
    this.rentableGauge = metrics.gauge({
      name: 'cloudphone_devices_rentable',
      help: 'Devices with status available per region (allocation-metrics job)',
      labelNames: ['region'],
    });
    this.statusGauge = metrics.gauge({
      name: 'cloudphone_allocations_by_status',
      help: 'Allocations per status not yet archived (allocation-metrics job)',
      labelNames: ['status'],
    });
  }

  @ClusterSafeCron('* * * * *', { name: 'allocation-metrics', maxRunMs: 30_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    const load = await this.maintenance.poolLoad();
    signal.throwIfAborted();
    this.activeGauge.reset();
    this.rentableGauge.reset();
    for (const region of load.byRegion) {
      this.activeGauge.set({ region: region.region }, region.activeAllocations);
      this.rentableGauge.set({ region: region.region }, region.rentableDevices);
    }
    for (const [status, count] of Object.entries(load.byStatus)) this.statusGauge.set({ status }, count);
  }
}
