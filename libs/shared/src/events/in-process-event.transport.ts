import type { ConsumerTopology } from './consumer-topology';
import type { DeadLetterPage, DeadLetterQueues, DeadLetterReplay, DeadLetterSelection } from './dead-letters';
import {
  type BrokerMessage,
  type DeliveryHandler,
  type EventSubscription,
  EventTransport,
  type PublishOutcome,
  type StaleQueueOutcome,
} from './event-transport';
import { InProcessEventBus } from './in-process-event.bus';

/**
 * EVENTS_TRANSPORT=memory: events through the process's InProcessEventBus. Only for one instance
 * of each service in one process (the standalone mode): another process could not reach the bus,
 * so a process that is one of several instances refuses it at start.
 */
export class InProcessEventTransport extends EventTransport {
  private readonly bus: InProcessEventBus;

  constructor(
    exchange: string,
    multiInstanceSignal: string | null,
    private readonly confirmTimeoutMs: number,
  ) {
    super();
    if (multiInstanceSignal !== null) {
      throw new Error(
        `EVENTS_TRANSPORT=memory keeps events inside one process, so other instances would never ` +
          `see them (${multiInstanceSignal}); use EVENTS_TRANSPORT=rabbitmq`,
      );
    }
    this.bus = InProcessEventBus.forExchange(exchange);
  }

  isAvailable(): boolean {
    return true;
  }

  onAvailable(): void {
    // Always available: nothing to wait for.
  }

  offAvailable(): void {
    // Always available: nothing to wait for.
  }

  /**
   * A consumer still busy after the confirm timeout leaves its message `unknown`: the relay sends
   * it again later (the bus does not queue it twice), as it would after a RabbitMQ confirm timeout.
   */
  publishAll(messages: BrokerMessage[]): Promise<PublishOutcome[]> {
    return Promise.all(
      messages.map(async (message) => {
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          this.bus.publish(message),
          new Promise<PublishOutcome>((resolve) => {
            timer = setTimeout(() => resolve('unknown'), this.confirmTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
        return outcome;
      }),
    );
  }

  subscribe(topology: ConsumerTopology, prefetch: number, handler: DeliveryHandler): EventSubscription {
    return this.bus.subscribe(topology, prefetch, handler);
  }

  /** The bus lives and dies with the process: no earlier version left a binding. */
  unbindStale(): Promise<StaleQueueOutcome> {
    return Promise.resolve('no-queue');
  }

  async peekDeadLetters(queues: DeadLetterQueues, limit: number): Promise<DeadLetterPage> {
    const letters = this.bus.deadLetters().filter((letter) => letter.queue === queues.queue);
    return {
      queue: queues.queue,
      total: letters.length,
      letters: letters.slice(0, limit).map(({ messageId, type, reason, attempts, error, failedAt }) => ({
        messageId,
        type,
        reason,
        attempts,
        lastError: error,
        failedAt,
      })),
    };
  }

  async replayDeadLetters(
    queues: DeadLetterQueues,
    selection: DeadLetterSelection,
  ): Promise<DeadLetterReplay> {
    const replayed = this.bus.replayDeadLetters(queues.queue, selection);
    const remaining = this.bus.deadLetters().filter((letter) => letter.queue === queues.queue).length;
    return { queue: queues.queue, replayed, remaining };
  }

  async close(): Promise<void> {
    // The bus belongs to the process and outlives any one service in it.
  }
}
