import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries';
import { ErrorLogModule } from '../error-log';
import { AccountEmailEventsHandler } from './events/account-email-events.handler';
import { AllocationEventsHandler } from './events/allocation-events.handler';
import { QueueEventsHandler } from './events/queue-events.handler';
import { ReservationEventsHandler } from './events/reservation-events.handler';
import { UserEventsHandler } from './events/user-events.handler';
import { BillingEventsHandler } from './events/billing-events.handler';
import { ProxyEventsHandler } from './events/proxy-events.handler';
import { SmsEventsHandler } from './events/sms-events.handler';
import { EventNotificationsService } from './events/event-notifications.service';
import { UnreadNotificationsMetricsJob } from './jobs/unread-notifications-metrics.job';
import { NotificationsController } from './notifications.controller';
import { NotificationsMetrics } from './notifications.metrics';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [DeliveriesModule, ErrorLogModule],
  controllers: [NotificationsController],
  providers: [
    NotificationsService,
    NotificationsRepository,
    NotificationsMetrics,
    EventNotificationsService,
    AllocationEventsHandler,
    ReservationEventsHandler,
    QueueEventsHandler,
    UserEventsHandler,
    AccountEmailEventsHandler,
    BillingEventsHandler,
    ProxyEventsHandler,
    SmsEventsHandler,
    UnreadNotificationsMetricsJob,
  ],
  exports: [NotificationsService],
})
export class NotificationsModule {}
