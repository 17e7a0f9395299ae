import { AsyncResource } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import type { ConsumerTopology } from './consumer-topology';
import type { DeliveryDecision } from './event-dispatcher.service';
import type { BrokerMessage, DeliveryHandler, EventSubscription, PublishOutcome } from './event-transport';
import { topicPatternMatches } from './topic-pattern';

const DEAD_LETTERS_KEPT = 1000;

/** A message a consumer gave up on, kept (the latest DEAD_LETTERS_KEPT) for `deadLetters()`. */
export interface InProcessDeadLetter {
  queue: string;
  messageId: string;
  type: string;
  reason: string;
  attempts: number;
  error: string;
  failedAt: string;
}

interface Delivery {
  message: BrokerMessage;
  attempt: number;
  settled: Promise<void>;
  settle(): void;
}

interface Consumer {
  handler: DeliveryHandler;
  prefetch: number;
  /** Attempts after which a delivery whose handler keeps failing is dead-lettered. */
  deliveryLimit: number;
  retryDelaysMs: number[];
  running: Set<Promise<void>>;
}

const buses = new Map<string, InProcessEventBus>();

/**
 * The standalone mode's event bus: one per exchange name per process, shared by every service the
 * process hosts. It plays RabbitMQ's part with one difference that keeps the outbox's promise
 * without a disk of its own: a publish is confirmed only once each bound queue's consumer has
 * finished with the message (handled it, or dead-lettered it after its retries). Until then the
 * outbox row stays unsent, so a crash loses nothing: the relay sends it again after the restart,
 * and the inbox drops the copy a consumer had already handled. Queues outlive their consumer (a
 * service that stops and starts again finds what waited for it), and a message still waiting or
 * retrying in a queue is not queued twice when the relay sends it again.
 */
export class InProcessEventBus {
  private readonly logger = new Logger('InProcessEventBus');
  private readonly queues = new Map<string, BusQueue>();
  private readonly deadLettered: InProcessDeadLetter[] = [];
  /** What each kept dead letter carried, for a replay (kept apart so logs never print payloads). */
  private readonly deadLetterMessages = new WeakMap<InProcessDeadLetter, BrokerMessage>();
  private gate: { opened: Promise<void>; open(): void } | null = null;
  private stopped = false;
  private stop!: () => void;
  private readonly stopping = new Promise<'unknown'>((resolve) => (this.stop = () => resolve('unknown')));

  /** The bus of `exchange` in this process (EVENTS_EXCHANGE), created on first use. */
  static forExchange(exchange: string): InProcessEventBus {
    let bus = buses.get(exchange);
    if (!bus) buses.set(exchange, (bus = new InProcessEventBus()));
    return bus;
  }

  /**
   * Holds every publish until `open()`: a host starting several services calls it first, so no
   * event is routed before every consumer has declared its queue (a queue declared later would
   * never see it, where RabbitMQ's durable queue would have kept it).
   */
  hold(): void {
    if (this.gate) return;
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.gate = { opened, open };
  }

  open(): void {
    this.gate?.open();
    this.gate = null;
  }

  /**
   * The process is stopping: every publish still waiting on a consumer, and every later one, is
   * answered `unknown` at once, so the relays stop without waiting out their confirm timeout while
   * the consumers stop too. Their outbox rows stay unsent and go out after the restart.
   */
  stopRouting(): void {
    this.stopped = true;
    this.stop();
    this.open();
  }

  /** Resolves once every queue bound to the message's type has finished with it. */
  async publish(message: BrokerMessage): Promise<PublishOutcome> {
    if (this.gate) await this.gate.opened;
    if (this.stopped) return 'unknown';
    const bound = [...this.queues.values()].filter((queue) => queue.binds(message.routingKey));
    if (bound.length === 0) return 'unroutable';
    return Promise.race([
      Promise.all(bound.map((queue) => queue.offer(message))).then((): PublishOutcome => 'confirmed'),
      this.stopping,
    ]);
  }

  /** Declares (or re-binds) the topology's queue and attaches `handler` as its one consumer. */
  subscribe(topology: ConsumerTopology, prefetch: number, handler: DeliveryHandler): EventSubscription {
    let queue = this.queues.get(topology.queue);
    if (!queue) {
      queue = new BusQueue(topology.queue, (letter, message) => this.deadLetter(letter, message));
      this.queues.set(topology.queue, queue);
    }
    queue.bind(topology.patterns);
    return queue.attach({
      // Handlers run in the consumer's async context, not the publisher's (its logs are its own).
      handler: AsyncResource.bind(handler),
      prefetch,
      deliveryLimit: topology.deliveryLimit,
      retryDelaysMs: topology.retryQueues.map((retry) => retry.delayMs),
      running: new Set(),
    });
  }

  deadLetters(): readonly InProcessDeadLetter[] {
    return this.deadLettered;
  }

  /**
   * Offers the first `limit` dead letters of `queue` (or those of `messageIds`) to that queue
   * again, as a new first attempt; they leave the dead-letter list. Returns their message ids.
   */
  replayDeadLetters(queue: string, selection: { limit: number; messageIds?: string[] }): string[] {
    const target = this.queues.get(queue);
    if (!target) return [];
    const wanted = selection.messageIds ? new Set(selection.messageIds) : null;
    const chosen = this.deadLettered
      .filter((letter) => letter.queue === queue && (!wanted || wanted.has(letter.messageId)))
      .slice(0, selection.limit);
    for (const letter of chosen) {
      this.deadLettered.splice(this.deadLettered.indexOf(letter), 1);
      const message = this.deadLetterMessages.get(letter);
      // Settles when handled again; nothing waits for it here (the replay answers at once).
      if (message) void target.offer(message);
    }
    return chosen.map((letter) => letter.messageId);
  }

  private deadLetter(letter: InProcessDeadLetter, message: BrokerMessage): void {
    this.deadLettered.push(letter);
    this.deadLetterMessages.set(letter, message);
    if (this.deadLettered.length > DEAD_LETTERS_KEPT) this.deadLettered.shift();
    this.logger.error({ msg: 'event dead-lettered', ...letter });
  }
}

class BusQueue {
  private patterns: string[] = [];
  private readonly waiting: Delivery[] = [];
  private readonly unsettled = new Map<string, Delivery>();
  private consumer: Consumer | null = null;

  constructor(
    private readonly name: string,
    private readonly deadLetter: (letter: InProcessDeadLetter, message: BrokerMessage) => void,
  ) {}

  bind(patterns: string[]): void {
    this.patterns = [...new Set([...this.patterns, ...patterns])];
  }

  binds(type: string): boolean {
    return this.patterns.some((pattern) => topicPatternMatches(pattern, type));
  }

  offer(message: BrokerMessage): Promise<void> {
    const known = this.unsettled.get(message.messageId);
    if (known) return known.settled;
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const delivery: Delivery = { message, attempt: 1, settled, settle };
    this.unsettled.set(message.messageId, delivery);
    this.waiting.push(delivery);
    this.pump();
    return settled;
  }

  attach(consumer: Consumer): EventSubscription {
    this.consumer = consumer;
    this.pump();
    return {
      stop: async (timeoutMs) => {
        if (this.consumer === consumer) this.consumer = null;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...consumer.running]),
          new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
        ]);
        clearTimeout(timer);
      },
    };
  }

  private pump(): void {
    const consumer = this.consumer;
    while (consumer && consumer === this.consumer && consumer.running.size < consumer.prefetch) {
      const delivery = this.waiting.shift();
      if (!delivery) return;
      // The dispatcher answers every failure with a decision; a handler that throws anyway (even
      // synchronously) is retried like a failure, up to the delivery limit, as RabbitMQ's
      // x-delivery-limit would, so no message can loop for ever.
      const work = Promise.resolve()
        .then(() => consumer.handler(delivery.message.content, delivery.attempt))
        .catch((error: unknown): DeliveryDecision => failedDelivery(delivery.attempt, consumer, error))
        .then((decision) => this.carryOut(delivery, decision, consumer.retryDelaysMs))
        .finally(() => {
          consumer.running.delete(work);
          this.pump();
        });
      consumer.running.add(work);
    }
  }

  private carryOut(delivery: Delivery, decision: DeliveryDecision, retryDelaysMs: number[]): void {
    if (decision.action === 'retry') {
      const delayMs = retryDelaysMs[Math.min(decision.retryIndex, retryDelaysMs.length - 1)] ?? 0;
      setTimeout(() => {
        delivery.attempt = decision.nextAttempt;
        this.waiting.push(delivery);
        this.pump();
      }, delayMs).unref();
      return;
    }
    if (decision.action === 'dead-letter') {
      this.deadLetter(
        {
          queue: this.name,
          messageId: delivery.message.messageId,
          type: delivery.message.routingKey,
          reason: decision.reason,
          attempts: decision.attempts,
          error: decision.error,
          failedAt: new Date().toISOString(),
        },
        delivery.message,
      );
    }
    this.unsettled.delete(delivery.message.messageId);
    delivery.settle();
  }
}

function failedDelivery(attempt: number, consumer: Consumer, error: unknown): DeliveryDecision {
  const message = error instanceof Error ? error.message : String(error);
  if (attempt >= consumer.deliveryLimit) {
    return { action: 'dead-letter', reason: 'handler_failed', attempts: attempt, error: message };
  }
  const retryIndex = Math.min(attempt - 1, consumer.retryDelaysMs.length - 1);
  return { action: 'retry', retryIndex: Math.max(retryIndex, 0), nextAttempt: attempt + 1, error: message };
}
