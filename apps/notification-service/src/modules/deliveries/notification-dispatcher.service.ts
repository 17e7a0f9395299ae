import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OutboxDeliveries, afterCommit } from '@cloudphone/shared';
import { NotificationPreferences } from '../preferences';
import type { DeliveryPayload } from './delivery-channel';
import { DeliveryChannels } from './delivery-channels.registry';
import type { DeliveryRound, NewDelivery } from './delivery-record';
import { roundMessage } from './delivery-rounds';
import { DeliveriesMetrics } from './deliveries.metrics';
import { DeliveriesRepository } from './deliveries.repository';

/** A fact to send a user by the channels their preferences choose. */
export interface NotificationFact {
  userId: string;
  eventType: string;
  /** The fact's identity (the inbox notification's source key, or `<type>:<event id>` for token emails). */
  sourceKey: string;
  payload: DeliveryPayload;
  /** Holds a secret (a token email): its content is dropped once the delivery settles. */
  sensitive?: boolean;
}

/**
 * Turns a fact into delivery records, one per channel and target, inside the consuming
 * transaction: the records' UNIQUE key and ON CONFLICT DO NOTHING keep a fact consumed twice (or by
 * two replicas at once) at one delivery per channel and target. Each new record's first round goes
 * into the outbox in the same transaction and is sent right after the commit.
 */
@Injectable()
export class NotificationDispatcher {
  constructor(
    private readonly preferences: NotificationPreferences,
    private readonly channels: DeliveryChannels,
    private readonly deliveries: DeliveriesRepository,
    private readonly outbox: OutboxDeliveries,
    private readonly metrics: DeliveriesMetrics,
  ) {}

  async dispatch(fact: NotificationFact): Promise<void> {
    const deliveries: NewDelivery[] = [];
    for (const name of await this.preferences.channelsFor(fact.userId, fact.eventType)) {
      const channel = this.channels.get(name);
      if (!channel) continue;
      for (const target of await channel.targetsFor(fact.userId, fact.eventType)) {
        deliveries.push({
          id: randomUUID(),
          userId: fact.userId,
          channel: name,
          eventType: fact.eventType,
          sourceKey: fact.sourceKey,
          target,
          sensitive: fact.sensitive ?? false,
          payload: fact.payload,
        });
      }
    }
    await this.enqueue(deliveries);
  }

  /** Creates deliveries as given, preferences aside (operator email); a repeated one is ignored. */
  async enqueue(deliveries: NewDelivery[]): Promise<void> {
    const rounds = await this.deliveries.insertNew(deliveries);
    await afterCommit(() => {
      for (const round of rounds) this.metrics.created.inc({ channel: round.channel });
    });
    await this.queueRounds(rounds);
  }

  /** Queues rounds in the outbox, in the caller's transaction; they leave right after its commit. */
  async queueRounds(rounds: DeliveryRound[]): Promise<void> {
    const messages = await this.outbox.store(rounds.map(roundMessage));
    await afterCommit(() => this.outbox.deliverInBackground(messages));
  }
}
