import { Injectable } from '@nestjs/common';
import type { AllocationStatsResponse } from '@cloudphone/contracts';
import { MetricsService, TransactionRunner } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { AllocationStatsRepository, poolTotals, utilisation } from './allocation-stats.repository';

const HOUR_MS = 3_600_000;

/**
 * Statistics of the pool (§5): who holds how much of it now — for the stats endpoint and the
 * gauges — and what happened per hour, kept as one snapshot row per hour.
 */
@Injectable()
export class AllocationStatistics {
  private readonly activeGauge: Gauge<'region'>;
  private readonly rentableGauge: Gauge<'region'>;
  private readonly statusGauge: Gauge<'status'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly stats: AllocationStatsRepository,
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

  /** The pool's load now, as `GET /scheduler/allocations/stats` answers it (admins, services). */
  async current(): Promise<AllocationStatsResponse> {
    const load = await this.stats.poolLoad();
    const { active, rentable } = poolTotals(load);
    return {
      active,
      byStatus: load.byStatus,
      byRegion: load.byRegion.map((region) => ({
        ...region,
        utilisation: utilisation(region.activeAllocations, region.rentableDevices),
      })),
      rentableDevices: rentable,
      utilisation: utilisation(active, rentable),
      at: load.at.toISOString(),
    };
  }

  /**
   * Sets the load gauges (holders and rentable devices per region, allocations per status), so
   * dashboards and alerts see the pool without querying it; unchanged when `signal` aborted first.
   */
  async updateGauges(signal: AbortSignal): Promise<void> {
    const load = await this.stats.poolLoad();
    signal.throwIfAborted();
    this.activeGauge.reset();
    this.rentableGauge.reset();
    for (const region of load.byRegion) {
      this.activeGauge.set({ region: region.region }, region.activeAllocations);
      this.rentableGauge.set({ region: region.region }, region.rentableDevices);
    }
    for (const [status, count] of Object.entries(load.byStatus)) this.statusGauge.set({ status }, count);
  }

  /**
   * Stores the snapshot of the hour ending at `hourEnd` (a tick at :00): allocations started and
   * ended in it, seconds billed, and the load at that moment, for reports over longer periods than
   * the live table keeps. `stored` is false when the hour has its row already (two runners of one
   * tick store it once); `active` is the number of holders now.
   */
  async snapshotHour(hourEnd: Date): Promise<{ stored: boolean; active: number }> {
    const hourStart = new Date(Math.floor(hourEnd.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS);
    return this.transactions.run(async () => {
      const load = await this.stats.poolLoad();
      const activity = await this.stats.activity(hourStart, new Date(hourStart.getTime() + HOUR_MS));
      const stored = await this.stats.insertSnapshot(hourStart, load, activity);
      return { stored, active: poolTotals(load).active };
    });
  }
}
