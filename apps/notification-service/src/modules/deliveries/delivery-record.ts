import type { DeliveryStatus } from '@cloudphone/contracts';
import type { DeliveryChannelName, DeliveryPayload } from './delivery-channel';

/** One row of notification_deliveries (migration 0004 explains each column). */
export interface DeliveryRecord {
  id: string;
  userId: string | null;
  channel: DeliveryChannelName;
  eventType: string;
  sourceKey: string;
  target: string;
  status: DeliveryStatus;
  sensitive: boolean;
  payload: DeliveryPayload;
  round: number;
  attempts: number;
  totalAttempts: number;
  lastError: string | null;
  nextRetryAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A delivery to create for a fact; `id` is new, the rest as the record will hold it. */
export type NewDelivery = Pick<
  DeliveryRecord,
  'id' | 'userId' | 'channel' | 'eventType' | 'sourceKey' | 'target' | 'sensitive' | 'payload'
>;

/** Which round of which delivery an outbox message asks to send. */
export interface DeliveryRound {
  id: string;
  channel: DeliveryChannelName;
  round: number;
}
