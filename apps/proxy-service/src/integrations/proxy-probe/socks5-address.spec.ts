import { encodeSocks5Address, ipv6Bytes } from './socks5-address';
import { ProbeFailure } from './tunnel';

const hex = (bytes: Buffer) => bytes.toString('hex');

describe('SOCKS5 addresses', () => {
  it('encodes IPv4 addresses, IPv6 addresses and host names with their address type', () => {
    expect(hex(encodeSocks5Address('192.0.2.7'))).toBe('01c0000207');
    expect(hex(encodeSocks5Address('::1'))).toBe(`04${'00'.repeat(15)}01`);
    expect(hex(encodeSocks5Address('localhost'))).toBe(`0309${Buffer.from('localhost').toString('hex')}`);
  });

  it('expands IPv6 addresses in every spelling', () => {
    expect(hex(ipv6Bytes('2001:db8::8:800:200c:417a'))).toBe('20010db80000000000080800200c417a');
    expect(hex(ipv6Bytes('2001:db8:0:0:0:0:0:1'))).toBe('20010db8000000000000000000000001');
    expect(hex(ipv6Bytes('fe80::1%eth0'))).toBe('fe800000000000000000000000000001');
    expect(hex(ipv6Bytes('::ffff:192.0.2.1'))).toBe('00000000000000000000ffffc0000201');
    expect(hex(ipv6Bytes('::'))).toBe('00'.repeat(16));
    expect(hex(ipv6Bytes('1::'))).toBe(`0001${'00'.repeat(14)}`);
  });

  it('refuses a host name longer than a SOCKS5 request can carry', () => {
    expect(() => encodeSocks5Address(`${'a'.repeat(250)}.example`)).toThrow(ProbeFailure);
  });
});
