import { EnvUrl } from '../config/env-variable.decorators';

/** Settings of the RabbitMQ connection (config slice of src/messaging). */
export class MessagingConfig {
  @EnvUrl('RABBITMQ_URL', { protocols: ['amqp', 'amqps'] })
  rabbitmqUrl!: string;
}
