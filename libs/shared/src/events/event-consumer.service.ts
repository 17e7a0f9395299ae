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
 * service without handlers declares no queue, and unbinds the one an earlier version of it left),
 * and drains it before the connections close.
 */
@Injectable()
export class EventConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventConsumerService');
  private consumer: EventSubscription | null = null;
  private unbindAttempt: (() => void) | null = null;

  constructor(
    private readonly registry: EventHandlerRegistry,
    private readonly dispatcher: EventDispatcher,
    private readonly transport: EventTransport,
    private readonly service: BaseServiceConfig,
    private readonly config: EventsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const handlers = this.registry.discover();
    if (handlers.length === 0) {
      this.unbindStaleQueue();
      return;
    }
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

  /**
   * billing-service consumed allocation events until issue 11: its queue, durable, would fill with
   * them for ever. Tried at boot and at each reconnection until RabbitMQ has answered once.
   */
  private unbindStaleQueue(): void {
    const topology = consumerTopology(this.service.serviceName, this.config, []);
    const attempt = () => {
      void this.transport.unbindStale(topology).then((outcome) => {
        if (outcome === 'unavailable' || this.unbindAttempt !== attempt) return;
        this.transport.offAvailable(attempt);
        this.unbindAttempt = null;
        if (outcome === 'unbound') {
          this.logger.log({
            msg: 'no event handlers: the queue left by an earlier version unbound',
            queue: topology.queue,
          });
        }
      });
    };
    this.unbindAttempt = attempt;
    this.transport.onAvailable(attempt);
    attempt();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.unbindAttempt) this.transport.offAvailable(this.unbindAttempt);
    this.unbindAttempt = null;
    await this.consumer?.stop(Math.min(DRAIN_TIMEOUT_MS, this.service.shutdownTimeoutMs / 2));
    this.consumer = null;
  }
}
