import { isIP } from 'node:net';
import { WEBHOOK_LIMITS } from '@cloudphone/contracts';

/**
 * What a webhook URL may point at (SSRF guard). Checked when an endpoint is registered or changed
 * (the URL's own host: literal IPs and `localhost`) and again before every send, when the sender
 * also checks every address the host name resolves to and connects only to an address it checked
 * (integrations/webhook-http), so a name that resolves to a public address at registration and to
 * an internal one later (DNS rebinding) is refused too.
 */
export interface WebhookUrlPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: plain http and loopback/private hosts (development, tests). */
  allowPrivateNetworks: boolean;
}

export type WebhookUrlProblemCode =
  'WEBHOOK_URL_INVALID' | 'WEBHOOK_URL_NOT_HTTPS' | 'WEBHOOK_URL_PRIVATE_NETWORK';

export type WebhookUrlCheck =
  { ok: true; url: URL } | { ok: false; code: WebhookUrlProblemCode; reason: string };

// C0, DEL and C1 controls, checked on the raw text: the URL parser would silently drop tabs and
// newlines and trim the ends, so what was stored would not be what was sent.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): WebhookUrlCheck {
  const invalid = (reason: string): WebhookUrlCheck => ({ ok: false, code: 'WEBHOOK_URL_INVALID', reason });
  if (raw.length > WEBHOOK_LIMITS.urlMaxLength)
    return invalid(`longer than ${WEBHOOK_LIMITS.urlMaxLength} characters`);
  if (CONTROL_CHARACTERS.test(raw)) return invalid('contains control characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalid('not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return invalid('only http and https URLs');
  if (url.username !== '' || url.password !== '') return invalid('must not contain a user name or password');
  if (url.hostname === '') return invalid('has no host');
  // Normalising can lengthen it (punycode, percent-encoding): the stored form must fit too.
  if (url.href.length > WEBHOOK_LIMITS.urlMaxLength)
    return invalid(`longer than ${WEBHOOK_LIMITS.urlMaxLength} characters`);
  if (policy.allowPrivateNetworks) return { ok: true, url };
  if (url.protocol !== 'https:')
    return { ok: false, code: 'WEBHOOK_URL_NOT_HTTPS', reason: 'must use https' };
  const refused = refusedHostReason(url.hostname);
  if (refused) return { ok: false, code: 'WEBHOOK_URL_PRIVATE_NETWORK', reason: `host is ${refused}` };
  return { ok: true, url };
}

/**
 * Why a URL's host (as `URL.hostname` gives it: IPv6 in brackets, IPv4 in dotted form whatever
 * the input spelling) is refused without a DNS lookup; null when only its addresses can tell.
 */
export function refusedHostReason(hostname: string): string | null {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(host) !== 0) return refusedAddressReason(host);
  const name = host.toLowerCase().replace(/\.$/, '');
  // RFC 6761: localhost and its subdomains are loopback whatever DNS says.
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback (localhost)';
  return null;
}

/**
 * Why a webhook must not connect to this IP address: loopback, private, link-local, CGNAT,
 * multicast, unspecified, reserved or documentation ranges, IPv4 or IPv6 (IPv4 inside IPv6, as
 * mapped, NAT64 or 6to4 addresses, is judged as the IPv4 it carries). null: a public address.
 */
export function refusedAddressReason(address: string): string | null {
  const v4 = parseIPv4(address);
  if (v4 !== null) return refusedIPv4Reason(v4);
  const v6 = parseIPv6(address);
  if (v6 === null) return 'not an IP address';
  return refusedIPv6Reason(v6);
}

const IPV4_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const IPV4_BLOCKS = IPV4_RANGES.map(([base, bits, reason]) => ({
  base: parseIPv4(base) ?? -1,
  mask: bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0,
  reason,
}));

function refusedIPv4Reason(address: number): string | null {
  for (const block of IPV4_BLOCKS) {
    if ((address & block.mask) >>> 0 === block.base) return block.reason;
  }
  return null;
}

function refusedIPv6Reason(groups: number[]): string | null {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const embedded = ((g6 << 16) | g7) >>> 0;
  const zeroUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeroUpTo(7) && g7 === 0) return 'unspecified';
  if (zeroUpTo(7) && g7 === 1) return 'loopback';
  if (zeroUpTo(5) && g5 === 0xffff) return ipv4Inside(embedded, 'IPv4-mapped');
  if (zeroUpTo(6)) return 'reserved (IPv4-compatible)';
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)
    return ipv4Inside(embedded, 'NAT64');
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'private (local NAT64)';
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved (discard-only)';
  if (g0 === 0x2001 && g1 === 0) return 'reserved (Teredo)';
  if (g0 === 0x2001 && g1 === 0xdb8) return 'documentation';
  if (g0 === 0x2002) return ipv4Inside(((g1 << 16) | g2) >>> 0, '6to4');
  if ((g0 & 0xfe00) === 0xfc00) return 'private (unique local)';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private (site-local)';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return null;
}

function ipv4Inside(address: number, kind: string): string | null {
  const reason = refusedIPv4Reason(address);
  return reason === null ? null : `${reason} (${kind})`;
}

/** A dotted-quad IPv4 address as an unsigned 32-bit number; null for anything else. */
function parseIPv4(text: string): number | null {
  if (isIP(text) !== 4) return null;
  return text.split('.').reduce((value, part) => ((value << 8) | Number(part)) >>> 0, 0);
}

/** An IPv6 address (with `::`, an IPv4 tail or a zone) as its eight 16-bit groups; null otherwise. */
function parseIPv6(text: string): number[] | null {
  const address = text.replace(/%.*$/, '');
  if (isIP(address) !== 6) return null;
  let body = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body)?.[1];
  if (dotted !== undefined) {
    const value = parseIPv4(dotted);
    if (value === null) return null;
    tail.push(value >>> 16, value & 0xffff);
    body = body.slice(0, -dotted.length);
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const [head, rest] = body.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const before = parse(head);
  const after = [...(rest === undefined ? [] : parse(rest)), ...tail];
  if (rest === undefined) return [...before, ...after];
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}
