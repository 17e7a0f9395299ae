import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { BaseServiceConfig } from '../config/base-service.config';
import { EventsConfig } from './events.config';
import { consumerTopology } from './consumer-topology';
import { EventDispatcher } from './event-dispatcher.service';
import { EventHandlerRegistry } from './event-handler.registry';
import { type EventSubscription, EventTransport } from './event-transport';

const DRAIN_TIMEOUT_MS = 5000;

/**
 * Starts the service's event consumer at boot when at least one `@OnEvent` handler exists (a
 * service without handlers declares no queue), and drains it before the connections close.
 */
@Injectable()
export class EventConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventConsumerService');
  private consumer: EventSubscription | null = null;

  constructor(
    private readonly registry: EventHandlerRegistry,
    private readonly dispatcher: EventDispatcher,
    private readonly transport: EventTransport,
    private readonly service: BaseServiceConfig,
    private readonly config: EventsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const handlers = this.registry.discover();
    if (handlers.length === 0) return;
    this.dispatcher.use(handlers);
    const topology = consumerTopology(
      this.service.serviceName,
      this.config,
      handlers.flatMap((handler) => handler.patterns),
    );
    this.logger.log({ msg: 'event consumer configured', queue: topology.queue, handlers: handlers.length });
    this.consumer = this.transport.subscribe(
      topology,
      this.config.eventsConsumerPrefetch,
      (content, attempt) => this.dispatcher.dispatch(content, attempt),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop(Math.min(DRAIN_TIMEOUT_MS, this.service.shutdownTimeoutMs / 2));
    this.consumer = null;
  }
}
