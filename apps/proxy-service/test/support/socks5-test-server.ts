import { connect, createServer, type Server, type Socket } from 'node:net';

/** A CONNECT request as the server received it. */
export interface Socks5Request {
  /** 1 IPv4, 3 domain name, 4 IPv6 (RFC 1928). */
  addressType: number;
  host: string;
  port: number;
}

/** Where the server lets a CONNECT go: loopback only, so a test can never reach out. */
const LOOPBACK: Readonly<Record<string, string>> = {
  '127.0.0.1': '127.0.0.1',
  localhost: '127.0.0.1',
  '::1': '::1',
};

/**
 * A small SOCKS5 proxy for tests (RFC 1928, RFC 1929): username/password authentication (or none when
 * `credentials` is null), CONNECT to loopback addresses only, then relaying bytes both ways. It counts
 * connections and records requests; `dropAfterGreeting` makes it hang up mid-handshake.
 */
export class Socks5TestServer {
  connections = 0;
  readonly requests: Socks5Request[] = [];
  dropAfterGreeting = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly credentials: { username: string; password: string } | null,
  ) {}

  static async start(credentials: { username: string; password: string } | null): Promise<Socks5TestServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('SOCKS5 server has no port');
    const socks = new Socks5TestServer(server, address.port, credentials);
    server.on('connection', (socket: Socket) => {
      socks.connections += 1;
      socks.hold(socket);
      socks.serve(socket).catch(() => socket.destroy());
    });
    return socks;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private hold(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private async serve(client: Socket): Promise<void> {
    const input = new ByteQueue(client);
    const [version, methodCount] = await input.take(2);
    const methods = [...(await input.take(methodCount))];
    if (version !== 0x05 || this.dropAfterGreeting) return void client.destroy();
    const wanted = this.credentials ? 0x02 : 0x00;
    if (!methods.includes(wanted)) return void client.end(Buffer.from([0x05, 0xff]));
    client.write(Buffer.from([0x05, wanted]));

    if (this.credentials) {
      const [, usernameLength] = await input.take(2);
      const username = (await input.take(usernameLength)).toString('utf8');
      const password = (await input.take((await input.take(1))[0])).toString('utf8');
      const accepted = username === this.credentials.username && password === this.credentials.password;
      if (!accepted) return void client.end(Buffer.from([0x01, 0x01]));
      client.write(Buffer.from([0x01, 0x00]));
    }

    const [, command, , addressType] = await input.take(4);
    const host = await readHost(input, addressType);
    const port = (await input.take(2)).readUInt16BE(0);
    this.requests.push({ addressType, host, port });
    if (command !== 0x01) return void client.end(reply(0x07));
    const destination = Object.hasOwn(LOOPBACK, host) ? LOOPBACK[host] : null;
    if (destination === null) return void client.end(reply(0x02));

    const upstream = connect({ host: destination, port });
    this.hold(upstream);
    upstream.once('error', () => client.end(reply(0x05)));
    upstream.once('connect', () => {
      client.write(reply(0x00));
      upstream.write(input.release());
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
  }
}

async function readHost(input: ByteQueue, addressType: number): Promise<string> {
  if (addressType === 0x01) return [...(await input.take(4))].join('.');
  if (addressType === 0x03) return (await input.take((await input.take(1))[0])).toString('utf8');
  if (addressType === 0x04) {
    const bytes = await input.take(16);
    const groups = Array.from({ length: 8 }, (_, index) => bytes.readUInt16BE(index * 2).toString(16));
    // Only the loopback spelling matters here; other addresses are refused whatever their form.
    const text = groups.join(':');
    return text === '0:0:0:0:0:0:0:1' ? '::1' : text;
  }
  throw new Error(`unknown address type ${addressType}`);
}

/** A reply with a zero IPv4 bound address: clients ignore it. */
function reply(code: number): Buffer {
  return Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}

/** The bytes a client sent, taken in exact amounts; rejects once the client has gone. */
class ByteQueue {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private ended = false;
  private readonly onData = (chunk: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.waiting?.();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.once('close', () => {
      this.ended = true;
      this.waiting?.();
    });
  }

  async take(length: number): Promise<Buffer> {
    while (this.buffer.length < length) {
      if (this.ended) throw new Error('client went away');
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = null;
    }
    const taken = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return taken;
  }

  /** Stops reading for the handshake and hands back what came after it. */
  release(): Buffer {
    this.socket.off('data', this.onData);
    return this.buffer;
  }
}
