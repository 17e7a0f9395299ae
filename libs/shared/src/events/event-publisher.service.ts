import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EVENT_TYPE_PATTERN } from '@cloudphone/contracts';
import { afterCommit } from '../database/transaction-context';
import { EventPayloadCatalog } from './event-payload-catalog';
import type { OutgoingEvent } from './outgoing-event';
import { OutboxRelay } from './outbox-relay.service';
import { type NewOutboxRow, OutboxRepository } from './outbox.repository';
import { isUuidText } from './uuid-text';

/**
 * The one way services publish events: `publish(event)` writes outbox rows in the caller's
 * (ambient) transaction, so the event exists if and only if the change it announces committed.
 * The relay sends them; this class wakes it right after the commit.
 */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly payloads: EventPayloadCatalog,
  ) {}

  /**
   * Records `events` in the outbox inside the surrounding transaction and returns their ids.
   * Throws (and so fails the caller's transaction) on an invalid type, aggregate id or event id,
   * and on `data` that breaks the payload class of its type and version (or a type or version the
   * catalog does not know): consumers would dead-letter such an event.
   */
  async publish(events: OutgoingEvent | OutgoingEvent[]): Promise<string[]> {
    const rows = (Array.isArray(events) ? events : [events]).map((event) => this.prepare(event));
    if (rows.length === 0) return [];
    await this.outbox.insert(rows);
    await afterCommit(() => this.relay.wake());
    return rows.map((row) => row.eventId);
  }

  /**
   * The outbox row of `event`, checked as `publish` checks it, for a repository that writes it in
   * the same statement as the change it announces (see `outboxEventInsertSql`): one round trip and
   * no transaction around it. Call `written()` once that statement committed.
   */
  prepare(event: OutgoingEvent): NewOutboxRow {
    if (!EVENT_TYPE_PATTERN.test(event.type)) {
      throw new Error(`Invalid event type "${event.type}": expected <aggregate>.<event> in lower case`);
    }
    if (typeof event.aggregateId !== 'string' || event.aggregateId.length === 0) {
      throw new Error(`Event ${event.type} needs a non-empty aggregateId`);
    }
    if (event.id !== undefined && !isUuidText(event.id))
      throw new Error(`Event id "${event.id}" is not a uuid`);
    const version = event.version ?? 1;
    if (!Number.isInteger(version) || version < 1) throw new Error(`Event version must be an integer >= 1`);
    const checked = this.payloads.check(event.type, version, event.data);
    if (!checked.valid) throw new Error(`Invalid event payload: ${checked.error}`);
    return {
      eventId: event.id ?? randomUUID(),
      type: event.type,
      version,
      aggregateKey: `${event.type.slice(0, event.type.indexOf('.'))}:${event.aggregateId}`,
      data: event.data,
    };
  }

  /** Wakes the relay for rows a repository wrote itself (after `prepare`), once they committed. */
  written(): Promise<void> {
    return afterCommit(() => this.relay.wake());
  }
}
