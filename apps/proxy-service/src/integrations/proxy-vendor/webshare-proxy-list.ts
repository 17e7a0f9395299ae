import { BlockList, isIP } from 'node:net';
import type { VendorProxy } from './proxy-vendor';
import { ProxyVendorError } from './proxy-vendor.error';

/** One page of Webshare's proxy list, checked: what to import, what was refused and why. */
export interface WebshareProxyPage {
  next: string | null;
  proxies: VendorProxy[];
  /** Why entries were refused, naming the entry by its id (never its credentials). */
  refused: string[];
}

/**
 * Addresses a vendor has no business handing us as a proxy: loopback, private, link-local, shared
 * (CGNAT), unspecified, multicast and reserved networks. A probe or a device would otherwise be sent
 * into our own network by whatever the vendor's API answered.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const PRINTABLE_ID = /^[\x21-\x7e]{1,128}$/;
const CONTROL = /\p{Cc}/u;
const COUNTRY = /^[A-Za-z]{2}$/;

/**
 * Checks a page of `GET /api/v2/proxy/list/` (`{count, next, previous, results}`) field by field.
 * A page of the wrong shape is refused whole (VENDOR_BAD_RESPONSE): nothing in it can be trusted.
 * An entry with a bad field is refused alone and reported, so one odd proxy does not block an
 * import; an entry Webshare marks `valid: false` is left out quietly, as it is not usable today.
 */
export function parseWebshareProxyPage(body: unknown): WebshareProxyPage {
  if (!isRecord(body)) throw badResponse('the proxy list is not a JSON object');
  const { count, next, previous, results } = body;
  if (!Number.isSafeInteger(count) || (count as number) < 0) throw badResponse('count is not a whole number');
  if (next !== null && typeof next !== 'string') throw badResponse('next is neither a URL nor null');
  // `previous` is not used: checked only when present, so its absence cannot stop an import.
  if (previous !== undefined && previous !== null && typeof previous !== 'string') {
    throw badResponse('previous is neither a URL nor null');
  }
  if (!Array.isArray(results)) throw badResponse('results is not a list');

  const page: WebshareProxyPage = { next, proxies: [], refused: [] };
  results.forEach((entry: unknown, index) => {
    const outcome = parseEntry(entry);
    if (typeof outcome === 'string') {
      const id =
        isRecord(entry) && typeof entry.id === 'string' && PRINTABLE_ID.test(entry.id)
          ? entry.id
          : `#${index}`;
      page.refused.push(`${id}: ${outcome}`);
    } else if (outcome !== null) {
      page.proxies.push(outcome);
    }
  });
  return page;
}

/** The proxy, null when Webshare says it is not valid, or why the entry is refused. */
function parseEntry(entry: unknown): VendorProxy | null | string {
  if (!isRecord(entry)) return 'not an object';
  const { id, valid, proxy_address: address, port, username, password, country_code: country } = entry;
  if (typeof id !== 'string' || !PRINTABLE_ID.test(id)) return 'id is not a short printable string';
  if (typeof valid !== 'boolean') return 'valid is not a boolean';
  if (!valid) return null;
  if (typeof address !== 'string' || !isHostOrIp(address))
    return 'proxy_address is not an IP address or host name';
  if (isIP(address) !== 0 && NON_PUBLIC.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6')) {
    return 'proxy_address is not a public address';
  }
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)
    return 'port is not 1-65535';
  if (!isCredential(username) || !isCredential(password)) return 'username or password is malformed';
  if (typeof country !== 'string' || !COUNTRY.test(country)) return 'country_code is not two letters';
  const city = entry.city_name;
  if (city !== null && (typeof city !== 'string' || city.length > 100 || CONTROL.test(city))) {
    return 'city_name is malformed';
  }
  return {
    externalId: id,
    host: address.toLowerCase(),
    port: port as number,
    // Direct-mode Webshare proxies answer HTTP (CONNECT) and SOCKS5 on the same port; HTTP is the
    // one every client and the probe speak, so the pool records that.
    protocol: 'http',
    username: username || null,
    password: password || null,
    countryCode: country.toUpperCase(),
    city: city || null,
    // The list does not say; Webshare's direct-mode proxies are its datacenter (proxy server) plans.
    type: 'datacenter',
  };
}

/** An IP address, or a DNS name of letters, digits and hyphens whose last label is not numeric. */
function isHostOrIp(value: string): boolean {
  if (isIP(value) !== 0) return true;
  if (value.length > 253) return false;
  const labels = value.split('.');
  return labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** Null, or a string SOCKS5 and Basic auth can carry: at most 255 characters, no control characters. */
function isCredential(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && value.length <= 255 && !CONTROL.test(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badResponse(what: string): ProxyVendorError {
  return new ProxyVendorError('VENDOR_BAD_RESPONSE', `Webshare answered an unexpected proxy list: ${what}`);
}
