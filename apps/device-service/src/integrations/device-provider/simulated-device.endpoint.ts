import { createServer, type Server, type Socket } from 'node:net';
import { decodeAdbMessage, deviceConnectMessage, ADB_COMMANDS } from './adb-wire';

/** The path of the simulated screen stream on a device's endpoint. */
export const SIMULATED_STREAM_PATH = '/screen';

/**
 * One simulated device's network face on 127.0.0.1: it answers the ADB connection handshake (CNXN
 * with a device banner naming the device and how many times it was wiped) and, for an HTTP GET, a
 * frame of its "screen". Enough for the access gateway to be proven end to end without a phone.
 */
export class SimulatedDeviceEndpoint {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly providerDeviceId: string,
    private readonly wipes: () => number,
  ) {}

  /** Listens (once) and answers the port. */
  async open(): Promise<number> {
    if (!this.server) {
      const server = createServer((socket) => this.serve(socket));
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      server.unref();
    }
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('endpoint has no TCP address');
    return address.port;
  }

  /** Stops listening and drops every connection (the device stopped, was wiped or destroyed). */
  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.server?.close();
    this.server = null;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.subarray(0, 4).toString('latin1') === 'GET ') {
        if (buffered.includes('\r\n\r\n')) this.answerHttp(socket);
        return;
      }
      this.answerAdb(socket, buffered, (rest) => (buffered = rest));
    });
  }

  private answerAdb(socket: Socket, buffered: Buffer, keep: (rest: Buffer) => void): void {
    let rest = buffered;
    for (;;) {
      const decoded = decodeAdbMessage(rest);
      if (decoded.kind === 'incomplete') break;
      if (decoded.kind === 'invalid') {
        socket.destroy();
        return;
      }
      rest = decoded.rest;
      if (decoded.message.command === ADB_COMMANDS.CNXN) {
        socket.write(
          deviceConnectMessage(
            `ro.product.name=cloudphone;ro.product.model=simulated;ro.serialno=${this.providerDeviceId};` +
              `ro.cloudphone.wipes=${this.wipes()};features=shell_v2,cmd`,
          ),
        );
      }
    }
    keep(rest);
  }

  private answerHttp(socket: Socket): void {
    const frame =
      `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="640"><rect width="100%" height="100%"/>` +
      `<text x="20" y="40" fill="white">${this.providerDeviceId} wipe ${this.wipes()}</text></svg>`;
    socket.end(
      `HTTP/1.1 200 OK\r\nContent-Type: image/svg+xml\r\nContent-Length: ${Buffer.byteLength(frame)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${frame}`,
    );
  }
}
