import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventBrokerClient } from './event-broker.client';
import { EventConsumerService } from './event-consumer.service';
import { EventDispatcher } from './event-dispatcher.service';
import { EventHandlerRegistry } from './event-handler.registry';
import { EventPublisher } from './event-publisher.service';
import { EventsHousekeepingJob } from './events-housekeeping.job';
import { EventsMaintenanceService } from './events-maintenance.service';
import { EventsMetrics } from './events.metrics';
import { InboxRepository } from './inbox.repository';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';

/**
 * Transactional outbox publisher, its relay, the `@OnEvent` consumer runtime and the daily
 * `events-housekeeping` cron job. Imported once by InfrastructureModule; needs the config, metrics,
 * RabbitMQ connection and DataSource it provides.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    OutboxRepository,
    InboxRepository,
    EventsMetrics,
    EventBrokerClient,
    OutboxRelay,
    EventPublisher,
    EventHandlerRegistry,
    EventDispatcher,
    EventConsumerService,
    EventsMaintenanceService,
    EventsHousekeepingJob,
  ],
  exports: [EventPublisher, EventsMaintenanceService, OutboxRelay],
})
export class EventsModule {}
