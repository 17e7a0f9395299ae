import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EVENT_TYPE_PATTERN } from '@cloudphone/contracts';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import type { OutgoingEvent } from './outgoing-event';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one way services publish events: `publish(manager, event)` writes outbox rows through the
 * caller's transaction, so the event exists if and only if the change it announces committed.
 * The relay sends them; this class wakes it right after the commit.
 *
 * The wake-up hooks TypeORM's after-commit event rather than `afterCommit()` from the transaction
 * context, so it works both under `runInTransaction` and under a plain `dataSource.transaction`.
 */
@Injectable()
export class EventPublisher implements EntitySubscriberInterface {
  // Query runners whose open transaction wrote outbox rows.
  private readonly pendingWake = new WeakSet<QueryRunner>();

  constructor(
    dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {
    dataSource.subscribers.push(this);
  }

  /**
   * Records `events` in the outbox inside the transaction of `manager` and returns their ids.
   * Throws (and so fails the caller's transaction) on an invalid type, aggregate id or event id.
   */
  async publish(manager: EntityManager, events: OutgoingEvent | OutgoingEvent[]): Promise<string[]> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return [];
    const rows = list.map((event) => {
      if (!EVENT_TYPE_PATTERN.test(event.type)) {
        throw new Error(`Invalid event type "${event.type}": expected <aggregate>.<event> in lower case`);
      }
      if (typeof event.aggregateId !== 'string' || event.aggregateId.length === 0) {
        throw new Error(`Event ${event.type} needs a non-empty aggregateId`);
      }
      if (event.id !== undefined && !UUID.test(event.id))
        throw new Error(`Event id "${event.id}" is not a uuid`);
      const version = event.version ?? 1;
      if (!Number.isInteger(version) || version < 1) throw new Error(`Event version must be an integer >= 1`);
      return {
        eventId: event.id ?? randomUUID(),
        type: event.type,
        version,
        aggregateKey: `${event.type.slice(0, event.type.indexOf('.'))}:${event.aggregateId}`,
        data: event.data,
      };
    });
    await this.outbox.insert(manager, rows);
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) this.pendingWake.add(runner);
    else this.relay.wake();
    return rows.map((row) => row.eventId);
  }

  /** TypeORM hook: the outermost commit of a transaction that published wakes the relay. */
  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    if (runner.isTransactionActive || !this.pendingWake.has(runner)) return;
    this.pendingWake.delete(runner);
    this.relay.wake();
  }

  /** TypeORM hook: a rolled-back transaction published nothing. */
  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pendingWake.delete(event.queryRunner);
  }
}
