import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_TYPE_PATTERN } from '@cloudphone/contracts';
import { BatchingQueue } from '../concurrency/batching-queue';
import { EventsConfig } from './events.config';
import { EventsMetrics } from './events.metrics';
import {
  type DeliveredMessage,
  type DeliverySummary,
  type DeliveryVerdict,
  type NewOutboxMessage,
  OUTBOX_DESTINATION_NAME,
  type OutboxDestination,
  type OutboxMessage,
} from './outbox-message';
import { OutboxMessagesRepository } from './outbox-messages.repository';
import type { NewOutboxRow } from './outbox.repository';
import { retryDelayMs } from './retry-backoff';
import { isUuidText } from './uuid-text';

type DeliveryResult = DeliveryVerdict['result'];

function summaryOf(results: DeliveryResult[]): DeliverySummary {
  const summary: DeliverySummary = { delivered: 0, deferred: 0, rejected: 0 };
  for (const result of results) summary[result] += 1;
  return summary;
}

/**
 * A claimed message stays reserved for this long while its delivery is attempted; a stored one is
 * first due this long after it was written (its writer delivers it first).
 */
export const OUTBOX_DELIVERY_LEASE_MS = 60_000;

/**
 * Outbox messages for HTTP destinations: `store` writes them in the caller's transaction; right
 * after the commit the writer sends them with `deliver` (waiting for the answers) or
 * `deliverInBackground`; whatever was not settled then (target down, process died) is sent again by
 * the relay's delivery loop through `deliverDue`, with the outbox backoff, until the destination
 * answers for good. Each destination registers itself at start-up.
 */
@Injectable()
export class OutboxDeliveries implements OnApplicationShutdown {
  private readonly logger = new Logger('OutboxDeliveries');
  private readonly destinations = new Map<string, OutboxDestination>();
  /** Batched deliveries: one flight per destination, the messages arriving meanwhile in the next. */
  private readonly batches = new Map<string, BatchingQueue<OutboxMessage, DeliveryResult>>();

  constructor(
    private readonly messages: OutboxMessagesRepository,
    private readonly metrics: EventsMetrics,
    private readonly config: EventsConfig,
  ) {}

  /** Makes `destination` deliverable; its name is what messages carry in `destination`. */
  register(destination: OutboxDestination): void {
    if (!OUTBOX_DESTINATION_NAME.test(destination.name) || destination.name === 'events') {
      throw new Error(`Invalid outbox destination name "${destination.name}"`);
    }
    if (this.destinations.has(destination.name)) {
      throw new Error(`Outbox destination "${destination.name}" is registered twice`);
    }
    this.destinations.set(destination.name, destination);
  }

  /** Names of the registered destinations (the relay's delivery loop idles without any). */
  destinationNames(): string[] {
    return [...this.destinations.keys()];
  }

  /**
   * Stores messages in the surrounding transaction and returns those that are new (a message
   * whose id is stored already is ignored). Throws, failing the caller's transaction, on an
   * unregistered destination, a malformed type or a non-uuid id: nobody could deliver such a row.
   * `events` (rows of `EventPublisher.prepare`; call its `written()` afterwards) are written in the
   * same statement.
   */
  store(messages: NewOutboxMessage[], events: readonly NewOutboxRow[] = []): Promise<OutboxMessage[]> {
    if (messages.length === 0 && events.length === 0) return Promise.resolve([]);
    for (const message of messages) {
      if (!this.destinations.has(message.destination))
        throw new Error(`Unknown outbox destination "${message.destination}"`);
      if (!EVENT_TYPE_PATTERN.test(message.type)) throw new Error(`Invalid message type "${message.type}"`);
      if (!isUuidText(message.id)) throw new Error(`Message id "${message.id}" is not a uuid`);
    }
    return this.messages.store(messages, OUTBOX_DELIVERY_LEASE_MS, events);
  }

  /** Sends messages `store` returned, once their transaction committed; returns when each was answered. */
  async deliver(messages: OutboxMessage[]): Promise<DeliverySummary> {
    return summaryOf([...(await this.settle(messages)).values()]);
  }

  /**
   * Like `deliver`, but batched per destination with what other callers send: one request is in
   * flight per destination at a time, and what arrives meanwhile rides in the next one. Alone, a
   * message leaves at once; under load, batches grow with the target's answer time instead of one
   * request (and one settling statement) each — group commit for HTTP deliveries.
   */
  async deliverBatched(messages: OutboxMessage[]): Promise<DeliverySummary> {
    const results = await Promise.all(
      [...byDestination(messages)].map(([destination, group]) =>
        this.batchesFor(destination).submitAll(group),
      ),
    );
    return summaryOf(results.flat());
  }

  /** `deliverBatched` without making the caller wait; shutdown waits for these to finish. */
  deliverInBackground(messages: OutboxMessage[]): void {
    for (const [destination, group] of byDestination(messages))
      void this.batchesFor(destination).submitAll(group);
  }

  /** The destination's batching queue; its sends never throw (a failed flight defers its messages). */
  private batchesFor(destination: string): BatchingQueue<OutboxMessage, DeliveryResult> {
    const existing = this.batches.get(destination);
    if (existing) return existing;
    const queue = new BatchingQueue<OutboxMessage, DeliveryResult>(async (batch) => {
      const results = await this.settle(batch).catch((error: unknown) => {
        this.logger.warn({ msg: 'outbox delivery failed; the relay will retry', destination, err: error });
        return new Map<OutboxMessage, DeliveryResult>();
      });
      return batch.map((queued) => ({ ok: true, value: results.get(queued) ?? 'deferred' }));
    }, Number.MAX_SAFE_INTEGER);
    this.batches.set(destination, queue);
    return queue;
  }

  /** Asks each destination, settles every message in the outbox, and tells how each went. */
  private async settle(messages: OutboxMessage[]): Promise<Map<OutboxMessage, DeliveryResult>> {
    const results = new Map<OutboxMessage, DeliveryResult>();
    for (const [name, group] of byDestination(messages)) {
      const verdicts = await this.ask(name, group);
      const delivered: DeliveredMessage[] = [];
      for (const [index, message] of group.entries()) {
        const verdict = verdicts[index];
        if (verdict.result === 'delivered') delivered.push({ message, answer: verdict.answer });
      }
      // One statement settles every delivered message (the destination's own, when it stores what
      // the answers said); the others are written one by one.
      const destination = this.destinations.get(name);
      if (destination?.settleDelivered && delivered.length > 0) await destination.settleDelivered(delivered);
      else await this.messages.markSent(delivered.map(({ message }) => message.rowId));
      for (const [index, message] of group.entries()) {
        const verdict = verdicts[index];
        results.set(message, verdict.result);
        this.metrics.outboxDeliveries.inc({ destination: name, result: verdict.result });
        if (verdict.result !== 'delivered') await this.settleFailure(message, verdict);
      }
    }
    return results;
  }

  /** One pass of the relay's delivery loop: up to `limit` due messages of the registered destinations. */
  async deliverDue(limit: number): Promise<DeliverySummary> {
    const names = this.destinationNames();
    if (names.length === 0) return { delivered: 0, deferred: 0, rejected: 0 };
    return this.deliver(await this.messages.claimDue(names, limit, OUTBOX_DELIVERY_LEASE_MS));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.batches.values()].map((queue) => queue.drained()));
  }

  /** The destination's verdicts; a destination that throws defers the whole group. */
  private async ask(name: string, group: OutboxMessage[]): Promise<DeliveryVerdict[]> {
    const destination = this.destinations.get(name);
    if (!destination) {
      const error = `destination "${name}" is not registered in this service`;
      return group.map(() => ({ result: 'deferred', error }));
    }
    try {
      const verdicts = await destination.deliver(group);
      if (verdicts.length !== group.length) throw new Error(`answered ${verdicts.length} of ${group.length}`);
      return verdicts;
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      return group.map(() => ({ result: 'deferred', error: message }));
    }
  }

  private async settleFailure(
    message: OutboxMessage,
    verdict: Exclude<DeliveryVerdict, { result: 'delivered' }>,
  ) {
    const context = { destination: message.destination, type: message.type, key: message.key };
    if (verdict.result === 'rejected') {
      // A refusal for good needs a person (see the admin view): the target will never take it.
      this.logger.error({
        msg: 'outbox message refused by its destination; not retried',
        ...context,
        error: verdict.error,
      });
      await this.messages.markRejected(message.rowId, verdict.error);
      return;
    }
    const backoff = {
      initialDelayMs: this.config.eventsRelayRetryInitialDelayMs,
      maxDelayMs: this.config.eventsRelayRetryMaxDelayMs,
    };
    const delayMs = Math.max(verdict.retryAfterMs ?? 0, retryDelayMs(message.attempts + 1, backoff));
    this.logger.warn({
      msg: 'outbox message not delivered; will retry',
      ...context,
      attempt: message.attempts + 1,
      retryInMs: delayMs,
      error: verdict.error,
    });
    await this.messages.postpone(message.rowId, delayMs, verdict.error);
  }
}

/** The messages grouped by destination, each group in the order given. */
function byDestination(messages: readonly OutboxMessage[]): Map<string, OutboxMessage[]> {
  const groups = new Map<string, OutboxMessage[]>();
  for (const message of messages) {
    const group = groups.get(message.destination) ?? [];
    group.push(message);
    groups.set(message.destination, group);
  }
  return groups;
}
