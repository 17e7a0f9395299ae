import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext, MetricsService } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { NumbersRepository } from '../numbers.repository';

/**
 * Number pool metrics: virtual numbers per status and country, refreshed once a minute by
 * whichever replica wins the tick (what pool refill, §6, will act on).
 */
@Injectable()
export class NumberPoolMetricsJob {
  private readonly logger = new Logger('NumberPoolMetricsJob');
  private readonly numbersGauge: Gauge<'status' | 'country'>;

  constructor(
    private readonly numbers: NumbersRepository,
    metrics: MetricsService,
  ) {
    this.numbersGauge = metrics.gauge({
      name: 'cloudphone_virtual_numbers',
      help: 'Virtual numbers by status and country (number-pool-metrics job)',
      labelNames: ['status', 'country'],
    });
  }

  @ClusterSafeCron('* * * * *', { name: 'number-pool-metrics', maxRunMs: 30_000, jitterMs: 3000 })
  async collect({ signal }: CronRunContext): Promise<void> {
    const rows = await this.numbers.countByStatusAndCountry();
    signal.throwIfAborted();
    this.numbersGauge.reset();
    for (const row of rows)
      this.numbersGauge.set({ status: row.status, country: row.countryCode }, row.count);
    this.logger.log({
      msg: 'number pool metrics collected',
      numbers: rows.reduce((sum, row) => sum + row.count, 0),
    });
  }
}
