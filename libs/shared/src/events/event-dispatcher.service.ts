import { Injectable, Logger } from '@nestjs/common';
import { EVENT_TYPE_PATTERN, type EventEnvelope, isEventTime } from '@cloudphone/contracts';
import { EventsConfig } from './events.config';
import { TransactionRunner } from '../database/transaction-runner';
import { consumerRetryDelays } from './consumer-topology';
import type { EventHandlerBinding } from './event-handler.registry';
import { EventPayloadCatalog } from './event-payload-catalog';
import { type DeadLetterReason, EventsMetrics } from './events.metrics';
import { InboxRepository } from './inbox.repository';
import { topicPatternMatches } from './topic-pattern';
import { UnprocessableEventError } from './unprocessable-event.error';
import { isUuidText } from './uuid-text';

const DEAD_LETTER_LOG_MESSAGES = {
  invalid_payload: 'event payload breaks its schema; moved to the dead-letter queue',
  unprocessable: 'unprocessable event moved to the dead-letter queue',
  handler_failed: 'event handler failed on the last attempt; moved to the dead-letter queue',
} as const satisfies Record<Exclude<DeadLetterReason, 'invalid_envelope'>, string>;

/** What the queue consumer does with a delivery once the dispatcher is done with it. */
export type DeliveryDecision =
  | { action: 'ack' }
  | { action: 'retry'; retryIndex: number; nextAttempt: number; error: string }
  | { action: 'dead-letter'; reason: DeadLetterReason; attempts: number; error: string };

/**
 * Checks one delivery's envelope and payload, runs the matching handlers with the validated payload
 * inside a transaction that first records the event id in the inbox (a duplicate is skipped), and
 * decides between ack, retry and dead-letter.
 */
@Injectable()
export class EventDispatcher {
  private readonly logger = new Logger('EventDispatcher');
  private handlers: EventHandlerBinding[] = [];
  private readonly retryDelays: number[];

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly inbox: InboxRepository,
    private readonly metrics: EventsMetrics,
    private readonly payloads: EventPayloadCatalog,
    config: EventsConfig,
  ) {
    this.retryDelays = consumerRetryDelays(config);
  }

  use(handlers: EventHandlerBinding[]): void {
    this.handlers = handlers;
  }

  /** Handles one delivery; `attempt` is 1 for the first delivery and grows with each retry. */
  async dispatch(content: Buffer, attempt: number): Promise<DeliveryDecision> {
    const event = parseEnvelope(content);
    if (!event) {
      this.metrics.consumed.inc({ type: 'invalid', outcome: 'dead_lettered' });
      this.metrics.deadLettered.inc({ type: 'invalid', reason: 'invalid_envelope' });
      this.logger.error({ msg: 'undecodable event moved to the dead-letter queue', bytes: content.length });
      return {
        action: 'dead-letter',
        reason: 'invalid_envelope',
        attempts: attempt,
        error: 'not a valid event envelope',
      };
    }
    const handlers = this.handlers.filter((handler) =>
      handler.patterns.some((pattern) => topicPatternMatches(pattern, event.type)),
    );
    if (handlers.length === 0) {
      // Only a binding left over from a removed handler routes such an event here.
      this.metrics.consumed.inc({ type: event.type, outcome: 'unhandled' });
      this.logger.warn({ msg: 'no handler for event; acknowledged', eventId: event.id, type: event.type });
      return { action: 'ack' };
    }
    // Checked before the transaction: a payload that breaks its schema can never be handled, so it
    // goes to the dead-letter queue at once, and nothing (not even the inbox row) is written.
    const checked = this.payloads.check(event.type, event.version, event.data);
    if (!checked.valid) return this.deadLettered(event, attempt, 'invalid_payload', checked.error);
    const delivered: EventEnvelope = { ...event, data: checked.payload };
    const stopTimer = this.metrics.handlerDuration.startTimer({ type: event.type });
    let current = handlers[0].name;
    try {
      const handled = await this.transactions.run(async () => {
        if (!(await this.inbox.record(event))) return false;
        for (const handler of handlers) {
          current = handler.name;
          await handler.invoke(delivered);
        }
        return true;
      });
      this.metrics.consumed.inc({ type: event.type, outcome: handled ? 'handled' : 'duplicate' });
      if (!handled)
        this.logger.debug({ msg: 'duplicate event skipped', eventId: event.id, type: event.type });
      return { action: 'ack' };
    } catch (error) {
      const message = `${current}: ${(error as Error)?.message ?? String(error)}`;
      if (error instanceof UnprocessableEventError)
        return this.deadLettered(event, attempt, 'unprocessable', message);
      return this.failed(event, attempt, message);
    } finally {
      stopTimer();
    }
  }

  private deadLettered(
    event: EventEnvelope,
    attempt: number,
    reason: Exclude<DeadLetterReason, 'invalid_envelope'>,
    error: string,
  ): DeliveryDecision {
    this.metrics.consumed.inc({ type: event.type, outcome: 'dead_lettered' });
    this.metrics.deadLettered.inc({ type: event.type, reason });
    this.logger.error({
      msg: DEAD_LETTER_LOG_MESSAGES[reason],
      eventId: event.id,
      type: event.type,
      version: event.version,
      attempt,
      reason,
      error,
    });
    return { action: 'dead-letter', reason, attempts: attempt, error };
  }

  private failed(event: EventEnvelope, attempt: number, error: string): DeliveryDecision {
    if (attempt > this.retryDelays.length) return this.deadLettered(event, attempt, 'handler_failed', error);
    const fields = { eventId: event.id, type: event.type, attempt, error };
    const retryIndex = attempt - 1;
    this.metrics.consumed.inc({ type: event.type, outcome: 'retried' });
    this.metrics.retries.inc({ type: event.type });
    this.logger.warn({
      msg: 'event handler failed; will retry',
      retryInMs: this.retryDelays[retryIndex],
      ...fields,
    });
    return { action: 'retry', retryIndex, nextAttempt: attempt + 1, error };
  }
}

function parseEnvelope(content: Buffer): EventEnvelope | null {
  let value: unknown;
  try {
    value = JSON.parse(content.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const event = value as Partial<EventEnvelope>;
  const valid =
    typeof event.id === 'string' &&
    isUuidText(event.id) &&
    typeof event.type === 'string' &&
    EVENT_TYPE_PATTERN.test(event.type) &&
    Number.isInteger(event.version) &&
    isEventTime(event.occurredAt) &&
    typeof event.source === 'string' &&
    'data' in event;
  return valid ? (event as EventEnvelope) : null;
}
