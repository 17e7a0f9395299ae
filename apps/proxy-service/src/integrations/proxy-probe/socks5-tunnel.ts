import { connect, type Socket } from 'node:net';
import type { ProxyEndpoint } from './proxy-endpoint';
import { ATYP_DOMAIN, ATYP_IPV4, ATYP_IPV6, encodeSocks5Address } from './socks5-address';
import { describeNetworkError, ProbeFailure, type Track, type TunnelTarget } from './tunnel';

const VERSION = 0x05;
const METHOD_NONE = 0x00;
const METHOD_USERNAME_PASSWORD = 0x02;
const METHOD_REFUSED = 0xff;
const COMMAND_CONNECT = 0x01;

/** RFC 1928 §6 reply codes, as the probe reports them. */
const REPLIES: Readonly<Record<number, string>> = {
  0x01: 'general SOCKS server failure',
  0x02: 'connection not allowed by ruleset',
  0x03: 'network unreachable',
  0x04: 'host unreachable',
  0x05: 'connection refused by the target',
  0x06: 'TTL expired',
  0x07: 'command not supported',
  0x08: 'address type not supported',
};

/**
 * Opens a tunnel to `target` through a SOCKS5 proxy: greeting, RFC 1929 username/password when the
 * endpoint has credentials (no authentication otherwise), then CONNECT. Written here rather than
 * taken from a package: it is a few exchanges, and the probe needs each failure in its own words.
 * Resolves with the socket, positioned at the first byte of the target's stream.
 */
export async function openSocks5Tunnel(
  endpoint: ProxyEndpoint,
  target: TunnelTarget,
  track: Track,
): Promise<Socket> {
  const address = encodeSocks5Address(target.host);
  const socket = track(connect({ host: endpoint.host, port: endpoint.port }));
  await connected(socket);

  // Offering both methods when we hold credentials lets an open proxy skip the sub-negotiation.
  const methods = endpoint.username === null ? [METHOD_NONE] : [METHOD_NONE, METHOD_USERNAME_PASSWORD];
  socket.write(Buffer.from([VERSION, methods.length, ...methods]));
  const [version, method] = await readExactly(socket, 2);
  if (version !== VERSION) throw new ProbeFailure('proxy does not speak SOCKS5');
  if (method === METHOD_REFUSED || !methods.includes(method)) {
    throw new ProbeFailure(
      endpoint.username === null ? 'SOCKS5 proxy requires credentials' : 'SOCKS5 proxy refused our methods',
    );
  }
  if (method === METHOD_USERNAME_PASSWORD) await authenticate(socket, endpoint);

  const port = Buffer.alloc(2);
  port.writeUInt16BE(target.port);
  socket.write(Buffer.concat([Buffer.from([VERSION, COMMAND_CONNECT, 0x00]), address, port]));
  const [replyVersion, reply, , atyp] = await readExactly(socket, 4);
  if (replyVersion !== VERSION) throw new ProbeFailure('proxy does not speak SOCKS5');
  if (reply !== 0x00) {
    throw new ProbeFailure(`SOCKS5 CONNECT failed: ${REPLIES[reply] ?? `reply ${reply}`}`);
  }
  // The bound address and port are of no use to a probe, but must be read past to reach the
  // target's bytes: an IP of fixed size, or a name whose first byte is its length.
  let addressLength: number;
  if (atyp === ATYP_IPV4) addressLength = 4;
  else if (atyp === ATYP_IPV6) addressLength = 16;
  else if (atyp === ATYP_DOMAIN) addressLength = (await readExactly(socket, 1))[0];
  else throw new ProbeFailure('SOCKS5 reply has an unknown address type');
  await readExactly(socket, addressLength + 2);
  // Anything already waiting came before we spoke to the target: not a clean tunnel.
  if (socket.readableLength > 0) throw new ProbeFailure('proxy sent data before the tunnel was used');
  return socket;
}

/** RFC 1929: version 1, then the username and password, each at most 255 bytes. */
async function authenticate(socket: Socket, endpoint: ProxyEndpoint): Promise<void> {
  const username = Buffer.from(endpoint.username ?? '', 'utf8');
  const password = Buffer.from(endpoint.password ?? '', 'utf8');
  if (username.length === 0 || username.length > 255 || password.length > 255) {
    throw new ProbeFailure('SOCKS5 credentials must be 1-255 bytes');
  }
  socket.write(
    Buffer.concat([Buffer.from([0x01, username.length]), username, Buffer.from([password.length]), password]),
  );
  const [, status] = await readExactly(socket, 2);
  if (status !== 0x00) throw new ProbeFailure('SOCKS5 proxy refused the credentials');
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', (error) => reject(new ProbeFailure(describeNetworkError('proxy', error))));
  });
}

/**
 * The next `length` bytes of the handshake. Reads in paused mode (`readable` + read(n)) so nothing
 * past the handshake is consumed: those bytes belong to whoever uses the tunnel next.
 */
function readExactly(socket: Socket, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const finish = (outcome: Buffer | Error) => {
      socket.off('readable', attempt);
      socket.off('end', closed);
      socket.off('close', closed);
      socket.off('error', failed);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const closed = () => finish(new ProbeFailure('SOCKS5 proxy closed the connection during the handshake'));
    const failed = (error: Error) => finish(new ProbeFailure(describeNetworkError('proxy', error)));
    function attempt() {
      const bytes = socket.read(length) as Buffer | null;
      // A shorter chunk than asked for only comes when the stream has ended.
      if (bytes !== null)
        finish(bytes.length === length ? bytes : new ProbeFailure('SOCKS5 reply cut short'));
    }
    socket.on('readable', attempt);
    socket.once('end', closed);
    socket.once('close', closed);
    socket.once('error', failed);
    attempt();
  });
}
