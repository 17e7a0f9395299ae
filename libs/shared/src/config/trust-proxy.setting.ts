import { isIP } from 'node:net';

/** Express's `trust proxy` value: off or on, a hop count, or the addresses and subnets trusted. */
export type TrustProxySetting = boolean | number | string[];

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const MAX_HOPS = 100;

export const TRUST_PROXY_FORMAT =
  'false, true, a hop count, or a comma-separated list of IP addresses, CIDR subnets and ' +
  'loopback, linklocal, uniquelocal';

/**
 * Reads TRUST_PROXY into what Express's `trust proxy` accepts. Validated here because Express only
 * rejects a bad address on the first request, and takes the string "false" for an address.
 */
export function parseTrustProxy(raw: string): TrustProxySetting {
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > MAX_HOPS) throw new Error(`a hop count must be at most ${MAX_HOPS}`);
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isTrustableAddress(entry));
  if (bad !== undefined) throw new Error(`"${bad}" is not an IP address, a CIDR subnet or a named range`);
  return entries;
}

function isTrustableAddress(entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
