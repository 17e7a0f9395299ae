import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** An HTTP server listening on 127.0.0.1, for a test's fake of some third-party API. */
export interface TrackedHttpServer {
  /** The server, listening: attach its 'request' handler. */
  readonly server: Server;
  /** http://127.0.0.1:<port>, without a trailing slash. */
  readonly baseUrl: string;
  /** Destroys every open connection, then closes the server. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on a free port of 127.0.0.1 that keeps track of its connections, so that
 * close() ends at once even with keep-alive connections or requests the fake left hanging on purpose.
 */
export async function trackedHttpServer(): Promise<TrackedHttpServer> {
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The test HTTP server has no port');
  return {
    server,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
