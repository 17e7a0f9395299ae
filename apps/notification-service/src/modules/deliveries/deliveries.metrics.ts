import { Injectable } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Counter, Histogram } from 'prom-client';

@Injectable()
export class DeliveriesMetrics {
  /** Attempts by channel and outcome: delivered, retry, failed, dead. */
  readonly attempts: Counter<'channel' | 'outcome'>;
  readonly created: Counter<'channel'>;
  readonly sendSeconds: Histogram<'channel'>;

  constructor(metrics: MetricsService) {
    this.attempts = metrics.counter({
      name: 'cloudphone_notification_delivery_attempts_total',
      help: 'Delivery attempts by channel and outcome (delivered, retry, failed, dead)',
      labelNames: ['channel', 'outcome'],
    });
    this.created = metrics.counter({
      name: 'cloudphone_notification_deliveries_created_total',
      help: 'Delivery records created by channel (one per fact, channel and target)',
      labelNames: ['channel'],
    });
    this.sendSeconds = metrics.histogram({
      name: 'cloudphone_notification_delivery_send_seconds',
      help: 'Time one delivery attempt took, by channel',
      labelNames: ['channel'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }
}
