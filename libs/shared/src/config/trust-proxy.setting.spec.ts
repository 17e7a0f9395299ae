import { parseTrustProxy } from './trust-proxy.setting';

describe('parseTrustProxy', () => {
  it.each([
    ['false', false],
    ['TRUE', true],
    ['0', 0],
    ['1', 1],
    ['3', 3],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8,fd00::/8', ['loopback', '10.0.0.0/8', 'fd00::/8']],
    ['203.0.113.7,::1', ['203.0.113.7', '::1']],
  ])('reads %s as Express expects it', (raw, setting) => {
    expect(parseTrustProxy(raw)).toEqual(setting);
  });

  it.each([
    ['yes', '"yes" is not an IP address'],
    ['10.0.0.0/33', '"10.0.0.0/33"'],
    ['fd00::/129', '"fd00::/129"'],
    ['10.0.0.1/8/8', '"10.0.0.1/8/8"'],
    ['loopback,,10.0.0.1', '"" is not an IP address'],
    ['10.0.0.256', '"10.0.0.256"'],
    ['101', 'a hop count must be at most 100'],
  ])('refuses %s', (raw, problem) => {
    expect(() => parseTrustProxy(raw)).toThrow(problem);
  });
});
