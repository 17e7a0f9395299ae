import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { type AmqpConnectionManager, connect as connectManager } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';

export interface RabbitMqConnectionOptions {
  /** Brokers of one cluster, tried in turn (round robin) whenever a connection must be made. */
  urls: string[];
  connectionName: string;
  heartbeatSeconds?: number;
  reconnectSeconds?: number;
}

/**
 * Keeps one AMQP connection open to any broker of `urls`, through amqp-connection-manager: it fails
 * over to the next broker and reconnects while every broker is away. Emits `connected` (after every
 * successful (re)connect) and `disconnected`; users re-create their channels and topology on
 * `connected` (their set-up, replayed on each reconnect).
 *
 * Channels are plain amqplib confirm channels rather than the library's ChannelWrapper: a wrapper's
 * publish() queues in memory while disconnected, which would tell the outbox relay an event is on
 * its way when no broker has it. The outbox is the buffer; a publish is settled only by a broker's
 * confirm (docs/events.md).
 */
export class RabbitMqConnectionManager extends EventEmitter {
  private manager: AmqpConnectionManager | null = null;
  private connected = false;
  private failedAttempts = 0;
  /** Set while the broker blocks this connection's publishes (connection.blocked). */
  private blockedReason: string | null = null;
  private readonly logger = new Logger('RabbitMQ');

  constructor(private readonly options: RabbitMqConnectionOptions) {
    super();
    this.setMaxListeners(50);
  }

  /** Starts connecting in the background; never throws, so a broker outage does not stop boot. */
  start(): void {
    if (this.manager) return;
    const manager = connectManager(this.options.urls, {
      heartbeatIntervalInSeconds: this.options.heartbeatSeconds ?? 10,
      reconnectTimeInSeconds: this.options.reconnectSeconds ?? 1,
      connectionOptions: { clientProperties: { connection_name: this.options.connectionName } },
    });
    manager.on('connect', ({ url }: { url: unknown }) => {
      this.connected = true;
      this.failedAttempts = 0;
      this.logger.log({ msg: 'RabbitMQ connected', broker: brokerOf(url) });
      this.emit('connected');
    });
    manager.on('connectFailed', ({ err, url }: { err: Error; url: unknown }) => {
      this.failedAttempts += 1;
      // Every attempt while the broker is away would be a line a second; the first and then every tenth.
      if (this.failedAttempts % 10 === 1) {
        this.logger.warn({
          msg: 'RabbitMQ connect failed',
          broker: brokerOf(url),
          error: err.message,
          attempt: this.failedAttempts,
        });
      }
    });
    manager.on('disconnect', ({ err }: { err?: Error }) => {
      this.blockedReason = null;
      if (!this.connected) return;
      this.connected = false;
      this.logger.warn({ msg: 'RabbitMQ connection closed; reconnecting', error: err?.message });
      this.emit('disconnected');
    });
    manager.on('blocked', ({ reason }: { reason: string }) => {
      this.blockedReason = String(reason);
      this.logger.warn({ msg: 'RabbitMQ blocks publishing', reason: this.blockedReason });
    });
    manager.on('unblocked', () => {
      this.blockedReason = null;
      this.logger.log({ msg: 'RabbitMQ unblocked publishing' });
    });
    this.manager = manager;
  }

  isConnected(): boolean {
    return this.connected && this.manager?.connection !== undefined;
  }

  /** A new confirm channel on the current connection; throws when disconnected. */
  async createConfirmChannel(): Promise<ConfirmChannel> {
    const connection = this.connected ? this.manager?.connection : undefined;
    if (!connection) throw new Error('RabbitMQ is not connected');
    return connection.createConfirmChannel();
  }

  /**
   * The readiness check: the connection is open and the broker is not blocking publishes (a
   * memory or disk alarm). It reads state kept from the connection's events rather than opening
   * a channel per probe; a connection that died silently is noticed by the heartbeat.
   */
  async check(): Promise<void> {
    if (!this.isConnected()) throw new Error('not connected');
    if (this.blockedReason !== null) throw new Error(`blocked by the broker: ${this.blockedReason}`);
  }

  async close(): Promise<void> {
    const manager = this.manager;
    if (!manager) return;
    this.connected = false;
    try {
      await manager.close();
    } catch {
      // Already closed by the broker.
    }
  }
}

/** The broker's host and port for logs, never its credentials. */
function brokerOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.host;
  } catch {
    return undefined;
  }
}
