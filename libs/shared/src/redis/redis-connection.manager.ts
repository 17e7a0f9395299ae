import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

/** A Lua script registered on the command connection; `run` sends EVALSHA (EVAL after a NOSCRIPT). */
export interface RedisScript<T = unknown> {
  run(keys: readonly string[], args: ReadonlyArray<string | number>): Promise<T>;
}

export interface RedisConnectionOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  connectionName: string;
}

/**
 * The one Redis connection manager of a process. Commands never queue while Redis is away
 * (offline queue off, per-command timeout), so an outage fails calls fast instead of hanging a
 * request or a job; a separate subscriber connection serves pub/sub.
 */
export class RedisConnectionManager {
  readonly client: Redis;
  readonly keyPrefix: string;
  private subscriberClient: Redis | null = null;
  private readonly scripts = new Map<string, string>();
  private readonly logger = new Logger('Redis');
  private lastErrorLoggedAt = 0;

  constructor(private readonly options: RedisConnectionOptions) {
    this.keyPrefix = options.keyPrefix;
    this.client = new Redis(options.url, this.clientOptions(false));
    this.watch(this.client, 'commands');
  }

  /** Prefixes key parts with the deployment's namespace: key('lock', 'x') → `cloudphone:lock:x`. */
  key(...parts: string[]): string {
    return `${this.keyPrefix}${parts.join(':')}`;
  }

  /** True when the command connection is ready to take commands. */
  isReady(): boolean {
    return this.client.status === 'ready';
  }

  /** The pub/sub connection, created on first use; it re-subscribes by itself after reconnecting. */
  subscriber(): Redis {
    if (!this.subscriberClient) {
      this.subscriberClient = new Redis(this.options.url, this.clientOptions(true));
      this.watch(this.subscriberClient, 'subscriber');
    }
    return this.subscriberClient;
  }

  /** Round-trip time of a PING in milliseconds; rejects when Redis does not answer in time. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.client.ping();
    return performance.now() - started;
  }

  /**
   * Registers `lua` under `name` once (ioredis defineCommand) so calls go out as EVALSHA and the
   * script is reloaded by itself after a Redis restart (NOSCRIPT). Registering the same name with
   * the same body again is harmless; a different body under a used name is a programming error.
   */
  defineScript<T = unknown>(name: string, lua: string): RedisScript<T> {
    const known = this.scripts.get(name);
    if (known !== undefined && known !== lua)
      throw new Error(`Redis script ${name} is already defined differently`);
    if (known === undefined) {
      this.client.defineCommand(name, { lua });
      this.scripts.set(name, lua);
    }
    const commands = this.client as unknown as Record<string, (...args: unknown[]) => Promise<T>>;
    return { run: (keys, args) => commands[name](keys.length, ...keys, ...args) };
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.client, this.subscriberClient].map(async (connection) => {
        // Disconnecting an ended client again leaves ioredis's 2 s destroy timer holding the process.
        if (!connection || connection.status === 'end') return;
        // QUIT would wait in the subscriber's offline queue for a Redis that is not there.
        if (connection.status !== 'ready') {
          connection.disconnect();
          return;
        }
        try {
          await connection.quit();
        } catch {
          connection.disconnect();
        }
      }),
    );
  }

  private clientOptions(subscriber: boolean): RedisOptions {
    return {
      connectionName: `${this.options.connectionName}${subscriber ? ':sub' : ''}`,
      enableOfflineQueue: subscriber,
      autoResendUnfulfilledCommands: false,
      commandTimeout: subscriber ? undefined : this.options.commandTimeoutMs,
      maxRetriesPerRequest: subscriber ? null : 0,
      connectTimeout: Math.max(this.options.commandTimeoutMs, 1000),
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000),
      lazyConnect: false,
    };
  }

  private watch(connection: Redis, role: string): void {
    connection.on('error', (error: Error) => {
      const now = Date.now();
      if (now - this.lastErrorLoggedAt < 5000) return;
      this.lastErrorLoggedAt = now;
      this.logger.warn({ msg: 'Redis connection error', role, error: error.message });
    });
    connection.on('ready', () => this.logger.log({ msg: 'Redis connection ready', role }));
  }
}
