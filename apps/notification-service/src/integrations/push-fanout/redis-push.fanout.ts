import { Logger } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { RedisConnectionManager } from '@cloudphone/shared';
import type { PushFanout } from './push-fanout';

/** Adapter calls whose promise it drops: they get a handler here, so a failure is logged, not unhandled. */
const FIRE_AND_FORGET = new Set<PropertyKey>([
  'publish',
  'subscribe',
  'psubscribe',
  'unsubscribe',
  'punsubscribe',
]);
const ERROR_LOG_INTERVAL_MS = 5000;

/**
 * Replicas share pushes through Redis pub/sub (@socket.io/redis-adapter): an emit to a user's room
 * is PUBLISHed on `<REDIS_KEY_PREFIX>socket.io#/#user:<id>#`, and every replica subscribed to the
 * pattern writes it to its own sockets in that room. Two connections of its own, duplicated from the
 * app's Redis settings: the publisher fails fast like the app's command connection (no offline
 * queue, command timeout), so a push while Redis is away fails at once instead of waiting; the
 * subscriber queues its SUBSCRIBEs until Redis answers and subscribes again after each reconnect.
 *
 * The adapter publishes without awaiting or catching (its emit API is synchronous). The clients it
 * gets are proxies that attach a handler to those calls, and `publish` collects the PUBLISHes one
 * emit makes, so the channel learns whether its push left this process.
 */
export class RedisPushFanout implements PushFanout {
  readonly kind = 'redis';
  readonly adapter: PushFanout['adapter'];
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly logger = new Logger('PushFanout');
  private collecting: Array<Promise<unknown>> | null = null;
  private lastErrorLoggedAt = 0;

  constructor(redis: RedisConnectionManager) {
    const name = redis.client.options.connectionName ?? 'notification-service';
    this.publisher = redis.client.duplicate({ connectionName: `${name}:push-pub` });
    this.subscriber = redis.client.duplicate({
      connectionName: `${name}:push-sub`,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
      autoResendUnfulfilledCommands: true,
    });
    this.watch(this.publisher, 'publisher');
    this.watch(this.subscriber, 'subscriber');
    // The key prefix isolates deployments (and test runs) sharing one Redis, as it does for keys.
    this.adapter = createAdapter(this.guarded(this.publisher, true), this.guarded(this.subscriber, false), {
      key: redis.key('socket.io'),
    });
  }

  isAvailable(): boolean {
    return this.publisher.status === 'ready';
  }

  async publish(emit: () => void): Promise<void> {
    const published: Array<Promise<unknown>> = [];
    // emit() publishes synchronously, so every PUBLISH made while collecting is this push's.
    this.collecting = published;
    try {
      emit();
    } finally {
      this.collecting = null;
    }
    await Promise.all(published);
  }

  async close(): Promise<void> {
    await Promise.all([this.publisher, this.subscriber].map((connection) => closeConnection(connection)));
  }

  private guarded(client: Redis, collectPublishes: boolean): Redis {
    return new Proxy(client, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        if (!FIRE_AND_FORGET.has(property)) return method;
        return (...args: unknown[]) => {
          const result = method(...args);
          if (!(result instanceof Promise)) return result;
          result.catch((error: Error) => this.logError(String(property), error));
          if (collectPublishes && property === 'publish') this.collecting?.push(result);
          return result;
        };
      },
    });
  }

  private watch(connection: Redis, role: string): void {
    connection.on('error', (error: Error) => this.logError(role, error));
    connection.on('ready', () => this.logger.log({ msg: 'push fan-out connection ready', role }));
  }

  private logError(operation: string, error: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLoggedAt < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLoggedAt = now;
    this.logger.warn({ msg: 'push fan-out Redis error', operation, error: error.message });
  }
}

/** QUIT when connected; otherwise drop the connection (QUIT would wait in the offline queue). */
async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}
