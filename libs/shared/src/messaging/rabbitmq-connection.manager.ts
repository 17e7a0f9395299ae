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

  /** Opens and closes a channel to prove the broker answers; used by the readiness check. */
  async check(): Promise<void> {
    if (!this.connection) throw new Error('not connected');
    const channel = await this.connection.createChannel();
    await channel.close();
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
