import { Injectable } from '@nestjs/common';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';

export type PublishFailureReason = 'unroutable' | 'nacked' | 'broker_unavailable';
export type ConsumeOutcome = 'handled' | 'duplicate' | 'unhandled' | 'retried' | 'dead_lettered';
/** Why a delivery went to the dead-letter queue (also its `x-dead-letter-reason` header). */
export type DeadLetterReason = 'invalid_envelope' | 'invalid_payload' | 'unprocessable' | 'handler_failed';

/** Prometheus metrics of the outbox relay and the consumers. */
@Injectable()
export class EventsMetrics {
  readonly published: Counter<'type'>;
  readonly publishFailures: Counter<'reason'>;
  readonly unrouted: Counter<'type'>;
  readonly outboxBacklog: Gauge<'destination'>;
  readonly outboxLagSeconds: Gauge<'destination'>;
  readonly outboxDeliveries: Counter<'destination' | 'result'>;
  readonly consumed: Counter<'type' | 'outcome'>;
  readonly retries: Counter<'type'>;
  readonly deadLettered: Counter<'type' | 'reason'>;
  readonly handlerDuration: Histogram<'type'>;

  constructor(metrics: MetricsService) {
    this.published = metrics.counter({
      name: 'cloudphone_events_published_total',
      help: 'Events confirmed by RabbitMQ and marked sent in the outbox',
      labelNames: ['type'],
    });
    this.publishFailures = metrics.counter({
      name: 'cloudphone_events_publish_failures_total',
      help: 'Outbox events RabbitMQ did not accept (unroutable, nacked) or could not take (broker unavailable)',
      labelNames: ['reason'],
    });
    this.unrouted = metrics.counter({
      name: 'cloudphone_events_unrouted_total',
      help: 'Announcements (ANNOUNCEMENT_EVENTS) no queue was bound to: marked sent, delivered to nobody',
      labelNames: ['type'],
    });
    this.outboxBacklog = metrics.gauge({
      name: 'cloudphone_outbox_backlog',
      help: 'Outbox rows pending (neither sent nor rejected) by destination (events: RabbitMQ)',
      labelNames: ['destination'],
    });
    this.outboxLagSeconds = metrics.gauge({
      name: 'cloudphone_outbox_lag_seconds',
      help: 'Age of the oldest pending outbox row by destination (0 when none)',
      labelNames: ['destination'],
    });
    this.outboxDeliveries = metrics.counter({
      name: 'cloudphone_outbox_deliveries_total',
      help: 'Delivery attempts of outbox messages to HTTP destinations, by destination and result',
      labelNames: ['destination', 'result'],
    });
    this.consumed = metrics.counter({
      name: 'cloudphone_events_consumed_total',
      help: 'Deliveries taken from this service queue, by outcome',
      labelNames: ['type', 'outcome'],
    });
    this.retries = metrics.counter({
      name: 'cloudphone_events_retries_total',
      help: 'Failed deliveries scheduled for another attempt through a delay queue',
      labelNames: ['type'],
    });
    this.deadLettered = metrics.counter({
      name: 'cloudphone_events_dead_lettered_total',
      help: 'Deliveries moved to the dead-letter queue',
      labelNames: ['type', 'reason'],
    });
    this.handlerDuration = metrics.histogram({
      name: 'cloudphone_events_handler_duration_seconds',
      help: 'Time to handle one delivery, inbox insert and commit included',
      labelNames: ['type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
  }
}
