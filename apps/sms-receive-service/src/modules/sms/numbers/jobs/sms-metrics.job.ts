import { Injectable } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { NumberStatsRepository } from '../number-stats.repository';

/** Numbers per status as a gauge, once a minute. */
@Injectable()
export class SmsMetricsJob {
  private readonly numbersGauge: Gauge<'status'>;

  constructor(
    private readonly stats: NumberStatsRepository,
    metrics: MetricsService,
  ) {
    this.numbersGauge = metrics.gauge({
      name: 'cloudphone_sms_numbers',
      help: 'SMS numbers by status (sms-metrics job)',
      labelNames: ['status'],
    });
  }

  @ClusterSafeCron('* * * * *', { name: 'sms-metrics', maxRunMs: 30_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    const rows = await this.stats.countByStatus();
    signal.throwIfAborted();
    this.numbersGauge.reset();
    for (const row of rows) this.numbersGauge.set({ status: row.status }, row.count);
  }
}
