import { Injectable } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Counter, Gauge } from 'prom-client';

@Injectable()
export class PushMetrics {
  /** Sockets connected to this replica (sum over replicas for the deployment). */
  readonly sockets: Gauge;
  /** Pushes this replica emitted: `published` (handed to every replica), `failed` (Redis unreachable). */
  readonly pushes: Counter<'outcome'>;
  /** Handshakes refused, by the connect_error code. */
  readonly refused: Counter<'code'>;

  constructor(metrics: MetricsService) {
    this.sockets = metrics.gauge({
      name: 'cloudphone_notification_push_sockets',
      help: 'WebSocket push connections open on this replica',
    });
    this.pushes = metrics.counter({
      name: 'cloudphone_notification_pushes_total',
      help: 'Pushes emitted by this replica, by outcome (published, failed)',
      labelNames: ['outcome'],
    });
    this.refused = metrics.counter({
      name: 'cloudphone_notification_push_connections_refused_total',
      help: 'WebSocket push handshakes refused, by code (UNAUTHENTICATED, FORBIDDEN, API_KEY_*, …)',
      labelNames: ['code'],
    });
  }
}
