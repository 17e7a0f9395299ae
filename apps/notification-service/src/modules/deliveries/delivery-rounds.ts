import { type NewOutboxMessage, type OutboxMessage, outboxMessageId } from '@cloudphone/shared';
import { DELIVERY_CHANNELS, type DeliveryChannelName } from './delivery-channel';
import type { DeliveryRound } from './delivery-record';

/** The outbox destination that sends a channel's deliveries. */
export function deliveryDestination(channel: DeliveryChannelName): string {
  return `notification-${channel}`;
}

/**
 * The outbox message asking for one round of a delivery: its id is derived from the delivery and
 * the round, so a round is queued once however often it is stored, and each round is a new message.
 */
export function roundMessage(round: DeliveryRound): NewOutboxMessage {
  return {
    destination: deliveryDestination(round.channel),
    type: `delivery.${round.channel}`,
    key: round.id,
    id: outboxMessageId(round.id, String(round.round)),
    data: { deliveryId: round.id, round: round.round },
  };
}

/** The round an outbox message asks for; null for a message this version cannot read. */
export function roundOf(message: OutboxMessage): DeliveryRound | null {
  const data = message.data as { deliveryId?: unknown; round?: unknown } | null;
  const channel = message.destination.replace(/^notification-/, '') as DeliveryChannelName;
  if (!DELIVERY_CHANNELS.includes(channel)) return null;
  if (typeof data?.deliveryId !== 'string' || !Number.isSafeInteger(data.round)) return null;
  return { id: data.deliveryId, channel, round: data.round as number };
}
