import { randomBytes, randomInt } from 'node:crypto';
import { TEST_SERVERS } from './test-servers';
import { uniqueTestId } from './unique-test-id';

export interface ServiceEnvironmentOptions {
  databaseUrl: string;
  /** Share one prefix between processes that must see the same keys (replicas of one service). */
  redisKeyPrefix?: string;
  /** Share one namespace between services that exchange events in a test. */
  messagingNamespace?: string;
  secrets?: TestSecrets;
  overrides?: Record<string, string>;
}

export interface TestSecrets {
  jwtSecret: string;
  serviceTokenSecret: string;
  /** VENDOR_CREDENTIALS_KEY: replicas must share it to read the credentials each other stored. */
  credentialsKey: string;
}

/** Random secrets for one test run; pass the same pair to every process that must trust each other. */
export function createTestSecrets(): TestSecrets {
  return {
    jwtSecret: randomBytes(32).toString('hex'),
    serviceTokenSecret: randomBytes(32).toString('hex'),
    credentialsKey: randomBytes(32).toString('hex'),
  };
}

/**
 * The environment a service process needs in a test: real servers, an isolated database, Redis
 * prefix, exchange and queue names, and random secrets. PORT=0 lets the OS pick a free port.
 */
export function serviceEnvironment(options: ServiceEnvironmentOptions): Record<string, string> {
  const secrets = options.secrets ?? createTestSecrets();
  const namespace = options.messagingNamespace ?? uniqueTestId('mq');
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: TEST_SERVERS.redisUrl,
    REDIS_KEY_PREFIX: `${options.redisKeyPrefix ?? uniqueTestId('redis')}:`,
    RABBITMQ_URL: TEST_SERVERS.rabbitmqUrl,
    EVENTS_EXCHANGE: `${namespace}.events`,
    QUEUE_PREFIX: namespace,
    JWT_SECRET: secrets.jwtSecret,
    SERVICE_TOKEN_SECRET: secrets.serviceTokenSecret,
    VENDOR_CREDENTIALS_KEY: secrets.credentialsKey,
    DOCS_ENABLED: 'true',
    // device-service's access gateway listens on base + a device's slot: a range of its own per
    // environment, on loopback, so test fleets running side by side never want the same ports.
    ACCESS_GATEWAY_BIND_HOST: '127.0.0.1',
    ACCESS_GATEWAY_PORT_BASE: String(20_000 + randomInt(0, 35) * 1000),
    ...options.overrides,
  };
}
