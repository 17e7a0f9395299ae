import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { EventPayloadClasses } from '@cloudphone/contracts';
import { DeadLettersAdminController } from './dead-letters-admin.controller';
import { DeadLettersAdminService } from './dead-letters-admin.service';
import { EventConsumerService } from './event-consumer.service';
import { EventDispatcher } from './event-dispatcher.service';
import { EventHandlerRegistry } from './event-handler.registry';
import { EventPayloadCatalog } from './event-payload-catalog';
import { EventPublisher } from './event-publisher.service';
import { EventsHousekeepingJob } from './events-housekeeping.job';
import { EventsMaintenanceService } from './events-maintenance.service';
import { eventTransportProvider } from './event-transport.provider';
import { EventsMetrics } from './events.metrics';
import { InboxRepository } from './inbox.repository';
import { OutboxAdminController } from './outbox-admin.controller';
import { OutboxAdminRepository } from './outbox-admin.repository';
import { OutboxAdminService } from './outbox-admin.service';
import { OutboxDeliveries } from './outbox-deliveries.service';
import { OutboxMessagesRepository } from './outbox-messages.repository';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';

export interface EventsModuleOptions {
  /** Payload classes merged over DOMAIN_EVENT_PAYLOADS, type by type (see EventPayloadCatalog). */
  payloads?: EventPayloadClasses;
}

/**
 * Transactional outbox (events for RabbitMQ and messages for HTTP destinations), its relay, its
 * admin views (`/internal/outbox`, `/internal/events/dead-letters`), the `@OnEvent` consumer runtime and the daily
 * `events-housekeeping` cron job. Imported once by InfrastructureModule through forRoot; needs the
 * config, metrics, RabbitMQ connection and DataSource it provides.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    OutboxRepository,
    OutboxMessagesRepository,
    OutboxAdminRepository,
    OutboxAdminService,
    DeadLettersAdminService,
    OutboxDeliveries,
    InboxRepository,
    EventsMetrics,
    OutboxRelay,
    EventPublisher,
    EventHandlerRegistry,
    EventDispatcher,
    EventConsumerService,
    EventsMaintenanceService,
    EventsHousekeepingJob,
  ],
  controllers: [OutboxAdminController, DeadLettersAdminController],
  exports: [EventPublisher, OutboxDeliveries, EventsMaintenanceService, OutboxRelay],
})
export class EventsModule {
  static forRoot({ payloads }: EventsModuleOptions = {}): DynamicModule {
    return {
      module: EventsModule,
      providers: [
        { provide: EventPayloadCatalog, useValue: new EventPayloadCatalog(payloads) },
        eventTransportProvider,
      ],
    };
  }
}
