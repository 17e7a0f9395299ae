import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { TEST_CERTIFICATE, TEST_PRIVATE_KEY } from './test-certificate';

/** A request as the target received it. */
export interface TargetRequest {
  method: string;
  url: string;
  host: string;
}

/**
 * The site a probe reaches through a proxy: an HTTP (or HTTPS, with the test certificate) server on
 * a loopback address that records every request and answers `status`. It tracks its open
 * connections, so a test can see that a probe closed what it opened.
 */
export class TargetTestServer {
  readonly requests: TargetRequest[] = [];
  status = 200;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly origin: string,
  ) {}

  static async start(options: { tls?: boolean; host?: '127.0.0.1' | '::1' } = {}): Promise<TargetTestServer> {
    const host = options.host ?? '127.0.0.1';
    const server = options.tls
      ? createHttpsServer({ cert: TEST_CERTIFICATE, key: TEST_PRIVATE_KEY })
      : createHttpServer();
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('target server has no port');
    const hostInUrl = host === '::1' ? '[::1]' : host;
    const target = new TargetTestServer(
      server,
      `${options.tls ? 'https' : 'http'}://${hostInUrl}:${address.port}`,
    );
    server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      target.sockets.add(socket);
      socket.once('close', () => target.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      target.requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        host: request.headers.host ?? '',
      });
      response.writeHead(target.status, { 'Content-Type': 'text/plain' }).end('target says hello');
    });
    return target;
  }

  get port(): number {
    return Number(new URL(this.origin).port);
  }

  /** A URL on this server, optionally under another name for the same address (`localhost`). */
  url(path: string, hostName?: string): URL {
    const url = new URL(path, this.origin);
    if (hostName) url.hostname = hostName;
    return url;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
