import { Module } from '@nestjs/common';
import { ErrorLogModule } from '../error-log';
import { PreferencesModule } from '../preferences';
import { DeliveryChannels } from './delivery-channels.registry';
import { DeliveryMaintenance } from './delivery-maintenance.service';
import { DeliveryOutboxDestinations } from './delivery-outbox.destination';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesMetrics } from './deliveries.metrics';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveriesService } from './deliveries.service';
import { CleanupDeliveryRecordsJob } from './jobs/cleanup-delivery-records.job';
import { RetryFailedDeliveriesJob } from './jobs/retry-failed-deliveries.job';
import { NotificationDispatcher } from './notification-dispatcher.service';

/**
 * Delivery records and their sending: the dispatcher, the outbox destinations, the channel
 * registry the channel modules register with, the admin routes and the delivery jobs.
 */
@Module({
  imports: [PreferencesModule, ErrorLogModule],
  controllers: [DeliveriesController],
  providers: [
    DeliveryChannels,
    DeliveriesRepository,
    DeliveriesMetrics,
    DeliveriesService,
    DeliveryMaintenance,
    DeliveryOutboxDestinations,
    NotificationDispatcher,
    RetryFailedDeliveriesJob,
    CleanupDeliveryRecordsJob,
  ],
  exports: [DeliveryChannels, NotificationDispatcher, PreferencesModule],
})
export class DeliveriesModule {}
