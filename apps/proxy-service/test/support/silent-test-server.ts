import { createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP server that accepts connections and never says a word: a proxy that hangs. Counts the
 * connections it accepted and those the client closed, so a test can see a timed-out probe let go.
 */
export class SilentTestServer {
  accepted = 0;
  closedByClient = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<SilentTestServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('silent server has no port');
    const silent = new SilentTestServer(server, address.port);
    server.on('connection', (socket: Socket) => {
      silent.accepted += 1;
      silent.sockets.add(socket);
      socket.on('error', () => undefined);
      // Reads (and drops) what the client sends: only a read socket notices the client hanging up.
      socket.resume();
      socket.once('close', () => {
        silent.sockets.delete(socket);
        silent.closedByClient += 1;
      });
    });
    return silent;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
