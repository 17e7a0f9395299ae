import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';

export interface RabbitMqConnectionOptions {
  url: string;
  connectionName: string;
  heartbeatSeconds?: number;
}

/**
 * Keeps one AMQP connection open, reconnecting with capped backoff while RabbitMQ is away.
 * Emits `connected` (after every successful (re)connect) and `disconnected`; users re-create their
 * channels and topology on `connected`.
 */
export class RabbitMqConnectionManager extends EventEmitter {
  private connection: ChannelModel | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Set while the broker blocks this connection's publishes (connection.blocked). */
  private blockedReason: string | null = null;
  private readonly logger = new Logger('RabbitMQ');

  constructor(private readonly options: RabbitMqConnectionOptions) {
    super();
    this.setMaxListeners(50);
  }

  /** Starts connecting in the background; never throws, so a broker outage does not stop boot. */
  start(): void {
    void this.connectOnce();
  }

  isConnected(): boolean {
    return this.connection !== null;
  }

  /** A new confirm channel on the current connection; throws when disconnected. */
  async createConfirmChannel(): Promise<ConfirmChannel> {
    if (!this.connection) throw new Error('RabbitMQ is not connected');
    return this.connection.createConfirmChannel();
  }

  /**
   * The readiness check: the connection is open and the broker is not blocking publishes (a
   * memory or disk alarm). It reads state kept from the connection's events rather than opening
   * a channel per probe; a connection that died silently is noticed by the heartbeat.
   */
  async check(): Promise<void> {
    if (!this.connection) throw new Error('not connected');
    if (this.blockedReason !== null) throw new Error(`blocked by the broker: ${this.blockedReason}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.connection = null;
    if (connection) {
      try {
        await connection.close();
      } catch {
        // Already closed by the broker.
      }
    }
  }

  private connectOnce(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      try {
        const connection = await connect(this.options.url, {
          clientProperties: { connection_name: this.options.connectionName },
          heartbeat: this.options.heartbeatSeconds ?? 10,
        });
        if (this.closed) {
          await connection.close();
          return;
        }
        this.attempt = 0;
        this.connection = connection;
        connection.on('error', (error: Error) =>
          this.logger.warn({ msg: 'RabbitMQ connection error', error: error.message }),
        );
        connection.on('close', () => this.onClose(connection));
        connection.on('blocked', (reason: string) => {
          this.blockedReason = String(reason);
          this.logger.warn({ msg: 'RabbitMQ blocks publishing', reason: this.blockedReason });
        });
        connection.on('unblocked', () => {
          this.blockedReason = null;
          this.logger.log({ msg: 'RabbitMQ unblocked publishing' });
        });
        this.logger.log({ msg: 'RabbitMQ connected' });
        this.emit('connected');
      } catch (error) {
        this.logger.warn({
          msg: 'RabbitMQ connect failed',
          error: (error as Error).message,
          attempt: this.attempt,
        });
        this.scheduleReconnect();
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private onClose(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.blockedReason = null;
    this.emit('disconnected');
    if (!this.closed) {
      this.logger.warn({ msg: 'RabbitMQ connection closed; reconnecting' });
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = Math.min(200 * 2 ** Math.min(this.attempt, 5), 5000);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connectOnce();
    }, delay);
  }
}
