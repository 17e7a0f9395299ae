import { checkWebhookUrl, refusedAddressReason, refusedHostReason } from './webhook-url.guard';

const strict = { allowPrivateNetworks: false };
const relaxed = { allowPrivateNetworks: true };

describe('checkWebhookUrl', () => {
  it('accepts a public https URL and keeps its normalised form', () => {
    const check = checkWebhookUrl('https://Example.com:8443/hooks/in?x=1', strict);
    expect(check).toEqual({ ok: true, url: expect.any(URL) });
    expect(check.ok && check.url.href).toBe('https://example.com:8443/hooks/in?x=1');
  });

  it.each([
    ['not a url', 'not an absolute URL'],
    ['/relative/path', 'not an absolute URL'],
    ['ftp://example.com/x', 'only http and https'],
    ['file:///etc/passwd', 'only http and https'],
    ['javascript:alert(1)', 'only http and https'],
    ['https://user:pass@example.com/', 'user name or password'],
    ['https://user@example.com/', 'user name or password'],
    ['https://exa\u0000mple.com/', 'control characters'],
    ['https://example.com/\u0000', 'control characters'],
    ['https://example.com/a\tb', 'control characters'],
    ['https://example.com/\n', 'control characters'],
    [' https://example.com/\u007f', 'control characters'],
    [`https://example.com/${'a'.repeat(10_000)}`, 'longer than 2048'],
  ])('refuses %j as invalid (%s), whatever the policy', (raw, reason) => {
    for (const policy of [strict, relaxed]) {
      expect(checkWebhookUrl(raw, policy)).toEqual({
        ok: false,
        code: 'WEBHOOK_URL_INVALID',
        reason: expect.stringContaining(reason),
      });
    }
  });

  it('refuses a URL whose normalised form outgrows the limit', () => {
    const raw = `https://example.com/${'ü'.repeat(1000)}`;
    expect(raw.length).toBeLessThan(2048);
    expect(checkWebhookUrl(raw, strict)).toMatchObject({ ok: false, code: 'WEBHOOK_URL_INVALID' });
  });

  it('requires https unless private networks are allowed', () => {
    expect(checkWebhookUrl('http://example.com/', strict)).toMatchObject({
      ok: false,
      code: 'WEBHOOK_URL_NOT_HTTPS',
    });
    expect(checkWebhookUrl('http://example.com/', relaxed)).toMatchObject({ ok: true });
  });

  it.each([
    'https://127.0.0.1/',
    'https://127.1.2.3:8080/x',
    'https://localhost/',
    'https://LOCALHOST./',
    'https://api.localhost/',
    'https://10.0.0.5/',
    'https://172.16.0.1/',
    'https://172.31.255.255/',
    'https://192.168.1.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/',
    'https://0.0.0.0/',
    'https://224.0.0.1/',
    'https://255.255.255.255/',
    'https://[::1]/',
    'https://[::]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:7f00:1]/',
    'https://[::ffff:10.1.2.3]/',
    'https://[fe80::1]/',
    'https://[fc00::1]/',
    'https://[fd12:3456::1]/',
    'https://[ff02::1]/',
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://[2002:7f00:1::]/',
    // Other spellings of 127.0.0.1 the URL parser normalises: decimal, hex, octal, shortened.
    'https://2130706433/',
    'https://0x7f.0.0.1/',
    'https://0177.0.0.1/',
    'https://127.1/',
  ])('refuses %s as a private network unless allowed', (raw) => {
    expect(checkWebhookUrl(raw, strict)).toMatchObject({ ok: false, code: 'WEBHOOK_URL_PRIVATE_NETWORK' });
    expect(checkWebhookUrl(raw.replace('https:', 'http:'), relaxed)).toMatchObject({ ok: true });
  });

  it.each([
    'https://8.8.8.8/',
    'https://[2606:4700:4700::1111]/',
    'https://[::ffff:8.8.8.8]/',
    'https://172.32.0.1/',
  ])('accepts the public address %s', (raw) =>
    expect(checkWebhookUrl(raw, strict)).toMatchObject({ ok: true }),
  );
});

describe('refusedHostReason', () => {
  it('leaves a host name to DNS (checked again at send time)', () => {
    expect(refusedHostReason('hooks.example.com')).toBeNull();
    expect(refusedHostReason('localhost.example.com')).toBeNull();
  });
});

describe('refusedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.255.255.255', 'private'],
    ['100.127.255.255', 'shared address space (CGNAT)'],
    ['169.254.0.1', 'link-local'],
    ['192.0.2.10', 'documentation'],
    ['198.19.0.1', 'benchmarking'],
    ['239.255.255.250', 'multicast'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:192.168.0.1', 'private (IPv4-mapped)'],
    ['::ffff:c0a8:1', 'private (IPv4-mapped)'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback (IPv4-mapped)'],
    ['::127.0.0.1', 'reserved (IPv4-compatible)'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private (site-local)'],
    ['fd00::1', 'private (unique local)'],
    ['ff05::2', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378::1', 'reserved (Teredo)'],
    ['64:ff9b::10.0.0.1', 'private (NAT64)'],
    ['64:ff9b:1::1', 'private (local NAT64)'],
    ['100::1', 'reserved (discard-only)'],
    ['2002:a00:1::1', 'private (6to4)'],
  ])('%s is %s', (address, reason) => expect(refusedAddressReason(address)).toBe(reason));

  it.each([
    '1.1.1.1',
    '93.184.216.34',
    '172.15.255.255',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:1.1.1.1',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is public', (address) => expect(refusedAddressReason(address)).toBeNull());

  it('refuses what is not an address', () => {
    expect(refusedAddressReason('example.com')).toBe('not an IP address');
    expect(refusedAddressReason('')).toBe('not an IP address');
  });
});
