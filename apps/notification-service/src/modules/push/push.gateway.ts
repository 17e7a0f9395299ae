import type { Server as HttpServer } from 'node:http';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type ExtendedError, Server, type Socket } from 'socket.io';
import { NOTIFICATION_PUSH, type PushNotificationMessage } from '@cloudphone/contracts';
import { AppError } from '@cloudphone/shared';
import { PUSH_FANOUT, type PushFanout } from '../../integrations/push-fanout';
import { PushAuthenticator, type PushSession } from './push.authenticator';
import { PushMetrics } from './push.metrics';

interface ServerToClientEvents {
  notification: (message: PushNotificationMessage) => void;
}
/** Clients send nothing: an event from a client has no handler and is dropped. */
type ClientToServerEvents = Record<string, never>;
type PushServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, PushSession>;
type PushSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, PushSession>;

/** A client must authenticate this soon after the WebSocket opens, or it is dropped. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Clients send only their handshake; anything bigger is refused by socket.io. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;
/** setTimeout's ceiling (~24.8 days); longer sessions re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a push did not leave this process. */
export class PushNotSentError extends Error {
  constructor(
    readonly code: 'PUSH_NOT_RUNNING' | 'PUSH_FANOUT_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'PushNotSentError';
  }
}

/** The room of a user's sockets, on every replica. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/**
 * The socket.io server on the service's own HTTP server and port (path /socket.io, WebSocket
 * transport only). A socket is admitted by PushAuthenticator, joins `user:<id>` and is closed when
 * its JWT expires (or its API key session ends). Pushes go to the user's room through the fan-out
 * adapter, so a socket on any replica gets a push emitted by any replica.
 *
 * Attached once Nest has built the HTTP server (onApplicationBootstrap, before it listens); closed
 * before the HTTP server is (beforeApplicationShutdown), since open WebSockets would otherwise keep
 * its close waiting until the shutdown deadline.
 */
@Injectable()
export class PushGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Push');
  private io: PushServer | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(PUSH_FANOUT) private readonly fanout: PushFanout,
    private readonly authenticator: PushAuthenticator,
    private readonly metrics: PushMetrics,
  ) {}

  onApplicationBootstrap(): void {
    // An application context without HTTP (a script, a test module) has nothing to attach to.
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as HttpServer | undefined;
    if (!httpServer) return;
    const io: PushServer = new Server(httpServer, {
      path: NOTIFICATION_PUSH.path,
      serveClient: false,
      // No long-polling: its requests must all reach the replica that holds the session, which a
      // PM2 cluster or a plain Kubernetes Service does not guarantee. A WebSocket is one connection.
      transports: ['websocket'],
      connectTimeout: CONNECT_TIMEOUT_MS,
      maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
      adapter: this.fanout.adapter,
    });
    io.use((socket, next) => void this.admit(socket, next));
    io.on('connection', (socket) => this.connected(socket));
    this.io = io;
    this.logger.log({ msg: 'push server attached', path: NOTIFICATION_PUSH.path, fanout: this.fanout.kind });
  }

  /**
   * Emits to the user's sockets on every replica; resolves once the push left this process (local
   * sockets written, the PUBLISH accepted by Redis). Whether the user had a socket open anywhere is
   * not known: a push to nobody is not an error (the inbox has the notification).
   */
  async pushToUser(userId: string, message: PushNotificationMessage): Promise<void> {
    const io = this.io;
    try {
      if (!io)
        throw new PushNotSentError('PUSH_NOT_RUNNING', 'the push server is not running in this process');
      // Checked first so a push that cannot reach the other replicas reaches no socket here either:
      // its retry then writes to each socket once.
      if (!this.fanout.isAvailable()) {
        throw new PushNotSentError(
          'PUSH_FANOUT_UNAVAILABLE',
          'Redis is unreachable: no replica can be reached',
        );
      }
      await this.fanout
        .publish(() => io.to(userRoom(userId)).emit(NOTIFICATION_PUSH.notificationEvent, message))
        .catch((error: Error) => {
          throw new PushNotSentError(
            'PUSH_FANOUT_UNAVAILABLE',
            `publishing to Redis failed: ${error.message}`,
          );
        });
    } catch (error) {
      this.metrics.pushes.inc({ outcome: 'failed' });
      throw error;
    }
    this.metrics.pushes.inc({ outcome: 'published' });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const io = this.io;
    this.io = null;
    // Closes this replica's connections without a DISCONNECT packet: clients see "transport close"
    // and reconnect by themselves, to a replica that is not stopping. (disconnectSockets() would
    // tell them not to reconnect, and through the Redis adapter reach every replica's sockets.)
    io?.engine.close();
    await this.fanout.close();
  }

  private async admit(socket: PushSocket, next: (error?: ExtendedError) => void): Promise<void> {
    try {
      socket.data = await this.authenticator.authenticate({
        auth: socket.handshake.auth,
        authorization: socket.handshake.headers.authorization,
      });
      next();
    } catch (error) {
      const refusal =
        error instanceof AppError
          ? { code: error.code, message: error.message }
          : { code: 'INTERNAL_ERROR', message: 'The connection could not be checked' };
      if (!(error instanceof AppError)) {
        this.logger.error({ msg: 'push handshake check failed', error: (error as Error)?.message });
      }
      this.metrics.refused.inc({ code: refusal.code });
      // socket.io hands `data` to the client's connect_error.
      next(Object.assign(new Error(refusal.message), { data: refusal }));
    }
  }

  private connected(socket: PushSocket): void {
    const { userId, via, endsAtMs } = socket.data;
    void socket.join(userRoom(userId));
    this.metrics.sockets.inc();
    let timer: NodeJS.Timeout | undefined;
    socket.once('disconnect', () => {
      clearTimeout(timer);
      this.metrics.sockets.dec();
    });
    // Closed when the credential runs out; the client connects again with a fresh one.
    const closeWhenDue = () => {
      const remainingMs = endsAtMs - Date.now();
      if (remainingMs <= 0) {
        this.logger.debug({ msg: 'push socket session ended', userId, via });
        socket.disconnect(true);
        return;
      }
      timer = setTimeout(closeWhenDue, Math.min(remainingMs, MAX_TIMER_MS));
      timer.unref();
    };
    closeWhenDue();
  }
}
