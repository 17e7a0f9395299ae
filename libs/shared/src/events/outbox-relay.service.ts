import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ANNOUNCEMENT_EVENTS } from '@cloudphone/contracts';
import { BaseServiceConfig } from '../config/base-service.config';
import { EventsConfig } from './events.config';
import { type BrokerMessage, EventTransport } from './event-transport';
import { EventsMetrics } from './events.metrics';
import { OutboxDeliveries } from './outbox-deliveries.service';
import { OutboxMessagesRepository } from './outbox-messages.repository';
import { type OutboxBatchResult, OutboxRepository, type OutboxRow } from './outbox.repository';
import { retryDelayMs } from './retry-backoff';

const GAUGE_REFRESH_MS = 5000;
const MAX_BROKER_BACKOFF_MS = 5000;
/** Messages for HTTP destinations claimed per pass of the delivery loop. */
const DELIVERY_BATCH = 500;

/**
 * Moves committed outbox rows to their destination. Every replica runs one; they share the work
 * safely. Two loops: events go to the event transport (RabbitMQ, or the standalone bus) in order
 * per aggregate (below); messages for HTTP destinations (OutboxDeliveries) are claimed with a lease
 * and sent unordered, so a slow HTTP target never holds up events and no transaction stays open
 * while it answers. Both retry with the one
 * outbox backoff (retry-backoff.ts) and report one backlog gauge per destination.
 *
 *
 * Why "earliest unsent row per aggregate, FOR UPDATE SKIP LOCKED" rather than hash partitions
 * guarded by advisory locks: the lock that orders an aggregate is the row lock on its oldest unsent
 * event, so any number of relays split the aggregates between them with no partition count to
 * choose, no rebalancing when replicas come and go, and no partition stalled behind a slow relay
 * or a hot aggregate. A relay holds its claimed heads locked until the batch is confirmed and
 * marked sent; another relay cannot take a later event of those aggregates meanwhile (it is not a
 * head while an earlier one is unsent). Within a batch an aggregate's events go out in "waves" (its
 * 1st event with every other aggregate's 1st, then the 2nds...), each wave confirmed before the
 * next, so an event RabbitMQ refuses is never overtaken by a later event of its aggregate.
 *
 * Order is commit order for writers that serialise on the aggregate (lock its row, then publish),
 * which is how the services write. Delivery is at least once: a relay that dies between publish and
 * commit leaves rows unsent and they are published again; consumers deduplicate by event id.
 *
 * An unroutable (no queue bound) or nacked event is an error: it stays unsent, its attempts,
 * last_error and next_attempt_at are recorded, an error is logged and
 * `cloudphone_events_publish_failures_total` counts it; it is retried with doubling backoff and
 * later events of its aggregate wait behind it (visible in the lag gauge) until it goes through.
 * The exception is an announcement (ANNOUNCEMENT_EVENTS in contracts: an event no service here
 * consumes): finding no queue for it is marked sent and counted in `cloudphone_events_unrouted_total`.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private loop: Promise<void> | null = null;
  private deliveryLoop: Promise<void> | null = null;
  private deliveryTimer: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  private stopping = false;
  private wakeRequested = false;
  private wakeScheduled = false;
  private interruptSleep: (() => void) | null = null;
  private brokerFailures = 0;
  private lastGaugeRefresh = 0;
  private readonly onConnected = () => this.wake();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly messages: OutboxMessagesRepository,
    private readonly deliveries: OutboxDeliveries,
    private readonly transport: EventTransport,
    private readonly metrics: EventsMetrics,
    private readonly service: BaseServiceConfig,
    private readonly config: EventsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.transport.onAvailable(this.onConnected);
    this.loop = this.run();
    this.deliveryLoop = this.runDeliveries();
  }

  /** Finishes the batch in progress and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.transport.offAvailable(this.onConnected);
    this.interruptSleep?.();
    if (this.deliveryTimer) {
      clearTimeout(this.deliveryTimer.timer);
      this.deliveryTimer.resolve();
    }
    await Promise.all([this.loop, this.deliveryLoop]);
    this.loop = null;
    this.deliveryLoop = null;
    await this.transport.close();
  }

  /**
   * Asks the loop to look for rows now instead of at the next poll (called after a commit). The
   * sleeping loop wakes one event-loop turn later, so the events committed in that turn (concurrent
   * requests') leave in one batch instead of the first alone and the rest in the next.
   */
  wake(): void {
    this.wakeRequested = true;
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.interruptSleep?.();
    });
  }

  /**
   * Claims, publishes and settles one batch; returns the number of rows handled (0: nothing due).
   * Throws when RabbitMQ cannot take messages at all; rows then stay unsent for the next try.
   */
  async relayBatch(): Promise<number> {
    this.wakeRequested = false;
    let brokerError: Error | null = null;
    const handled = await this.outbox.processNextBatch(this.config.eventsRelayBatchSize, async (rows) => {
      const { result, error } = await this.publishInWaves(rows);
      brokerError = error;
      return result;
    });
    if (brokerError) throw brokerError;
    return handled;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let pauseMs = this.config.eventsRelayPollIntervalMs;
      let wakeable = true;
      if (this.transport.isAvailable()) {
        try {
          const handled = await this.relayBatch();
          this.brokerFailures = 0;
          // A full batch may have left rows behind: go on at once. A partial one drained what was
          // due (bar the tail of a run longer than its share of the batch, which the next wake-up
          // or poll sends), so wait for the next commit instead of asking again for nothing.
          if (handled >= this.config.eventsRelayBatchSize) pauseMs = 0;
        } catch (error) {
          this.brokerFailures += 1;
          pauseMs = Math.min(100 * 2 ** Math.min(this.brokerFailures, 10), MAX_BROKER_BACKOFF_MS);
          wakeable = false;
          this.logger.warn({
            msg: 'outbox relay batch failed; retrying with backoff',
            error: (error as Error).message,
            consecutiveFailures: this.brokerFailures,
            retryInMs: pauseMs,
          });
        }
      }
      await this.refreshGauges();
      if (pauseMs > 0 && !this.stopping) await this.pause(pauseMs, wakeable);
    }
  }

  /** Sends due messages of the registered HTTP destinations, one pass per poll interval. */
  private async runDeliveries(): Promise<void> {
    while (!this.stopping) {
      try {
        // Keep going while whole batches get through; stop at the first with nothing delivered.
        for (;;) {
          const summary = await this.deliveries.deliverDue(DELIVERY_BATCH);
          const handled = summary.delivered + summary.deferred + summary.rejected;
          if (handled < DELIVERY_BATCH || summary.delivered === 0 || this.stopping) break;
        }
      } catch (error) {
        this.logger.warn({ msg: 'outbox delivery pass failed', error: (error as Error).message });
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.eventsRelayPollIntervalMs);
        this.deliveryTimer = { timer, resolve };
      });
      this.deliveryTimer = null;
    }
  }

  private async publishInWaves(
    rows: OutboxRow[],
  ): Promise<{ result: OutboxBatchResult; error: Error | null }> {
    const runs = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const run = runs.get(row.aggregateKey);
      if (run) run.push(row);
      else runs.set(row.aggregateKey, [row]);
    }
    const result: OutboxBatchResult = { sentIds: [], failures: [] };
    for (let wave = 0; runs.size > 0; wave += 1) {
      const waveRows: OutboxRow[] = [];
      for (const [key, run] of runs) {
        if (wave < run.length) waveRows.push(run[wave]);
        else runs.delete(key);
      }
      if (waveRows.length === 0) break;
      let outcomes;
      try {
        outcomes = await this.transport.publishAll(waveRows.map((row) => this.toMessage(row)));
      } catch (error) {
        this.metrics.publishFailures.inc({ reason: 'broker_unavailable' }, waveRows.length);
        return { result, error: error as Error };
      }
      let unknown = 0;
      waveRows.forEach((row, index) => {
        const outcome = outcomes[index];
        if (outcome === 'confirmed') {
          result.sentIds.push(row.id);
          this.metrics.published.inc({ type: row.type });
          return;
        }
        if (outcome === 'unroutable' && ANNOUNCEMENT_EVENTS.has(row.type)) {
          // Nobody here needs it, and nobody outside bound a queue to it: sent, to no one.
          result.sentIds.push(row.id);
          this.metrics.unrouted.inc({ type: row.type });
          return;
        }
        runs.delete(row.aggregateKey);
        if (outcome === 'unknown') {
          unknown += 1;
          return;
        }
        const retryInMs = retryDelayMs(row.attempts + 1, {
          initialDelayMs: this.config.eventsRelayRetryInitialDelayMs,
          maxDelayMs: this.config.eventsRelayRetryMaxDelayMs,
        });
        const error =
          outcome === 'unroutable'
            ? `unroutable: no queue is bound to ${row.type} on exchange ${this.config.eventsExchange}`
            : 'nacked by the event transport';
        result.failures.push({ id: row.id, error, retryInMs });
        this.metrics.publishFailures.inc({ reason: outcome });
        this.logger.error({
          msg: 'event refused by the event transport; it stays in the outbox and will be retried',
          eventId: row.eventId,
          type: row.type,
          aggregateKey: row.aggregateKey,
          reason: error,
          attempts: row.attempts + 1,
          retryInMs,
        });
      });
      if (unknown > 0) {
        this.metrics.publishFailures.inc({ reason: 'broker_unavailable' }, unknown);
        return {
          result,
          error: new Error(`${unknown} publishes unconfirmed (channel closed or confirm timeout)`),
        };
      }
    }
    return { result, error: null };
  }

  private toMessage(row: OutboxRow): BrokerMessage {
    // Built as text so `data` goes out exactly as stored, without a parse/serialise round trip.
    // id (uuid) and type (checked against EVENT_TYPE_PATTERN in SQL) need no escaping.
    const body =
      `{"id":"${row.eventId}","type":"${row.type}","version":${row.version},` +
      `"occurredAt":"${row.occurredAt.toISOString()}","source":${JSON.stringify(this.service.serviceName)},` +
      `"data":${row.dataJson}}`;
    return {
      routingKey: row.type,
      messageId: row.eventId,
      content: Buffer.from(body),
      headers: { 'x-aggregate-key': row.aggregateKey },
    };
  }

  private async refreshGauges(): Promise<void> {
    if (
      Date.now() - this.lastGaugeRefresh <
      Math.max(this.config.eventsRelayPollIntervalMs, GAUGE_REFRESH_MS)
    )
      return;
    this.lastGaugeRefresh = Date.now();
    try {
      const backlog = await this.messages.backlog();
      // Every destination this service writes to is reported, at 0 when nothing is pending.
      for (const destination of ['events', ...this.deliveries.destinationNames()]) {
        const entry = backlog.find((row) => row.destination === destination);
        this.metrics.outboxBacklog.set({ destination }, entry?.pending ?? 0);
        this.metrics.outboxLagSeconds.set({ destination }, entry?.oldestPendingAgeSeconds ?? 0);
      }
    } catch (error) {
      this.logger.warn({ msg: 'outbox backlog query failed', error: (error as Error).message });
    }
  }

  private pause(ms: number, wakeable: boolean): Promise<void> {
    if (wakeable && this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interruptSleep = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // Stopping always interrupts; a commit only interrupts a normal poll, not a broker backoff.
      this.interruptSleep = wakeable ? done : () => this.stopping && done();
    });
  }
}
