import { EnvEnum, EnvParsed } from '../config/env-variable.decorators';

const RABBITMQ_URLS_FORMAT =
  'one amqp:// or amqps:// URL, or several separated by commas (the brokers of one cluster, tried in turn)';

/** `RABBITMQ_URL`: the brokers of one cluster; a connection fails over between them. */
export function parseRabbitMqUrls(raw: string): string[] {
  const urls = raw.split(',').map((url) => url.trim());
  for (const [index, url] of urls.entries()) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new Error(`entry ${index + 1} is not a URL`);
    }
    if (protocol !== 'amqp:' && protocol !== 'amqps:') {
      throw new Error(`entry ${index + 1} is not an amqp:// or amqps:// URL`);
    }
  }
  return urls;
}

/** How events travel (config slice of src/messaging): RabbitMQ, or a bus inside this process. */
export class MessagingConfig {
  /**
   * `memory` is the standalone mode's bus: every service of the process shares it, and it refuses
   * to run as one of several instances (it could not reach the others).
   */
  @EnvEnum('EVENTS_TRANSPORT', ['rabbitmq', 'memory'] as const, { default: 'rabbitmq' })
  eventsTransport!: 'rabbitmq' | 'memory';

  @EnvParsed('RABBITMQ_URL', {
    description: RABBITMQ_URLS_FORMAT,
    parse: parseRabbitMqUrls,
    requiredUnless: { variable: 'EVENTS_TRANSPORT', value: 'memory' },
  })
  rabbitmqUrls?: string[];
}
