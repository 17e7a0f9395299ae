export { RabbitMqConnectionManager } from './rabbitmq-connection.manager';
export type { RabbitMqConnectionOptions } from './rabbitmq-connection.manager';
export { RabbitMqHealthIndicator } from './rabbitmq.health-indicator';
export { MessagingConfig } from './messaging.config';
