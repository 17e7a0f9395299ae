import type { RabbitMqConnectionManager } from './rabbitmq-connection.manager';

/** Readiness probe: the AMQP connection is open and can open a channel. */
export class RabbitMqHealthIndicator {
  readonly name = 'rabbitmq';

  constructor(private readonly rabbitmq: RabbitMqConnectionManager) {}

  check(): Promise<void> {
    return this.rabbitmq.check();
  }
}
