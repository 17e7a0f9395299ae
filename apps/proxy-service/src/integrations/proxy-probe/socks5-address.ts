import { isIP } from 'node:net';
import { ProbeFailure } from './tunnel';

/** RFC 1928 §5 address types. */
export const ATYP_IPV4 = 0x01;
export const ATYP_DOMAIN = 0x03;
export const ATYP_IPV6 = 0x04;

/**
 * The ATYP byte and address of a SOCKS5 request (RFC 1928 §4). A host name goes as a name, so the
 * proxy resolves it where it is, as a real client behind the proxy would be served.
 */
export function encodeSocks5Address(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return Buffer.from([ATYP_IPV4, ...host.split('.').map(Number)]);
  if (family === 6) return Buffer.concat([Buffer.from([ATYP_IPV6]), ipv6Bytes(host)]);
  const name = Buffer.from(host, 'utf8');
  if (name.length === 0 || name.length > 255) {
    throw new ProbeFailure('target host name does not fit a SOCKS5 request');
  }
  return Buffer.concat([Buffer.from([ATYP_DOMAIN, name.length]), name]);
}

/**
 * The 16 bytes of an IPv6 address that net.isIP accepted: `::` expanded, an IPv4 tail
 * (::ffff:192.0.2.1) as its two groups, a zone (%eth0) dropped since it means nothing to the proxy.
 */
export function ipv6Bytes(address: string): Buffer {
  let text = address.split('%')[0];
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number);
    text = `${text.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  const bytes = Buffer.alloc(16);
  [...left, ...zeros, ...right].forEach((group, index) =>
    bytes.writeUInt16BE(parseInt(group, 16), index * 2),
  );
  return bytes;
}
