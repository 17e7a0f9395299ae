import { randomBytes } from 'node:crypto';
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

// device-service's access gateway listens on base + a device's slot, so each environment gets a
// range of its own: below Linux's ephemeral ports (32768 and up, where any process's outgoing
// connection may hold a port, and a gateway port taken that way refuses its renter), six ranges per
// Jest worker so the files running side by side never share one, and the next of its worker's six for
// each environment created (a file's fleets seldom overlap more than two at a time). The count lives
// in the worker's environment, not the module: Jest loads this module afresh for every file, and a
// file starting where the previous one did met its gateway port still held (EADDRINUSE, a CI run).
const GATEWAY_FIRST_PORT = 20_000;
const GATEWAY_RANGE_PORTS = 1000;
const GATEWAY_RANGES = 12;
const GATEWAY_RANGES_PER_WORKER = 6;
const ENVIRONMENTS_CREATED = 'CLOUDPHONE_TEST_ENVIRONMENTS_CREATED';

function accessGatewayPortBase(): number {
  const worker = Math.max(0, Number(process.env.JEST_WORKER_ID ?? 1) - 1);
  const created = Number(process.env[ENVIRONMENTS_CREATED] ?? 0);
  process.env[ENVIRONMENTS_CREATED] = String(created + 1);
  const range = (worker * GATEWAY_RANGES_PER_WORKER + (created % GATEWAY_RANGES_PER_WORKER)) % GATEWAY_RANGES;
  return GATEWAY_FIRST_PORT + range * GATEWAY_RANGE_PORTS;
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
    ACCESS_GATEWAY_BIND_HOST: '127.0.0.1',
    ACCESS_GATEWAY_PORT_BASE: String(accessGatewayPortBase()),
    ...options.overrides,
  };
}
