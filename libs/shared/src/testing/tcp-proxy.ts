import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server (Redis, Postgres, RabbitMQ) that a test can cut, delay or
 * reset to simulate an outage without touching the shared server.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<Socket>();
  private readonly delayedWrites = new Set<NodeJS.Timeout>();
  private mode: 'pass' | 'refuse' | 'blackhole' = 'pass';
  private delayMs = 0;
  port = 0;

  constructor(
    private targetHost: string,
    private targetPort: number,
  ) {}

  /** Forwards new connections to another server (one that started after the proxy). */
  retarget(url: string): void {
    const target = new URL(url);
    this.targetHost = target.hostname;
    this.targetPort = Number(target.port);
  }

  /** Starts listening on 127.0.0.1 (a free port unless one is given). */
  async start(port = 0): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    return this;
  }

  /** Rewrites a URL's host and port to go through this proxy. */
  wrap(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** Drops every open connection and refuses new ones (the server "went down"). */
  cut(): void {
    this.mode = 'refuse';
    this.reset();
  }

  /** Keeps connections open but forwards nothing (the server "hangs"). */
  blackhole(): void {
    this.mode = 'blackhole';
  }

  /** Adds latency to every forwarded chunk. */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Back to forwarding normally. */
  restore(): void {
    this.mode = 'pass';
    this.delayMs = 0;
  }

  /** Client connections open through the proxy now. */
  connectionCount(): number {
    return this.clients.size;
  }

  /** Resets every open connection once; new connections are accepted as the mode allows. */
  reset(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    for (const timer of this.delayedWrites) clearTimeout(timer);
    this.delayedWrites.clear();
  }

  async close(): Promise<void> {
    this.reset();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = connect({ host: this.targetHost, port: this.targetPort });
    this.clients.add(client);
    client.once('close', () => this.clients.delete(client));
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  private pipe(from: Socket, to: Socket): void {
    from.on('data', (chunk) => {
      if (this.mode === 'blackhole') return;
      if (this.delayMs === 0) {
        to.write(chunk);
        return;
      }
      const timer = setTimeout(() => {
        this.delayedWrites.delete(timer);
        to.write(chunk);
      }, this.delayMs);
      this.delayedWrites.add(timer);
    });
  }
}
