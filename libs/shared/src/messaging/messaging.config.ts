import { EnvEnum, EnvUrl } from '../config/env-variable.decorators';

/** How events travel (config slice of src/messaging): RabbitMQ, or a bus inside this process. */
export class MessagingConfig {
  /**
   * `memory` is the standalone mode's bus: every service of the process shares it, and it refuses
   * to run as one of several instances (it could not reach the others).
   */
  @EnvEnum('EVENTS_TRANSPORT', ['rabbitmq', 'memory'] as const, { default: 'rabbitmq' })
  eventsTransport!: 'rabbitmq' | 'memory';

  @EnvUrl('RABBITMQ_URL', {
    protocols: ['amqp', 'amqps'],
    requiredUnless: { variable: 'EVENTS_TRANSPORT', value: 'memory' },
  })
  rabbitmqUrl?: string;
}
