export { DeliveriesModule } from './deliveries.module';
export { DeliveryChannels } from './delivery-channels.registry';
export { NotificationDispatcher, type NotificationFact } from './notification-dispatcher.service';
export { deliveredNotification } from './delivery-channel';
export type {
  ChannelOutcome,
  DeliveryChannelName,
  DeliveryPayload,
  DeliveryToSend,
  NotificationChannel,
} from './delivery-channel';
