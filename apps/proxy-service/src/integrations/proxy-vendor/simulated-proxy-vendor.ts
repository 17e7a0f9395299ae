import { SeededRandom } from '@cloudphone/shared';
import type { ProbeResult } from '../proxy-probe';
import type { ProxyVendor, VendorProxy } from './proxy-vendor';

export interface SimulatedProxyVendorOptions {
  seed: number;
  /** How many proxies the simulated account holds (0–100000). */
  size: number;
}

const MAX_SIZE = 100_000;

const COUNTRIES: ReadonlyArray<readonly [readonly [string, readonly string[]], number]> = [
  [['US', ['New York', 'Los Angeles', 'Chicago', 'Dallas']], 30],
  [['DE', ['Frankfurt', 'Berlin', 'Munich']], 20],
  [['GB', ['London', 'Manchester']], 15],
  [['FR', ['Paris', 'Marseille']], 15],
  [['JP', ['Tokyo', 'Osaka']], 10],
  [['BR', ['São Paulo', 'Rio de Janeiro']], 10],
];
const TYPES: ReadonlyArray<readonly [VendorProxy['type'], number]> = [
  ['datacenter', 50],
  ['residential', 35],
  ['mobile', 15],
];
const PROTOCOLS: ReadonlyArray<readonly [VendorProxy['protocol'], number]> = [
  ['http', 60],
  ['socks5', 30],
  ['https', 10],
];
/**
 * RFC 5737's documentation networks: addresses that route nowhere, so a simulated proxy can never
 * send a probe or a device's traffic to a real host by mistake.
 */
const DOCUMENTATION_NETWORKS = ['192.0.2', '198.51.100', '203.0.113'];
const HOSTS_PER_NETWORK = 254;

/** Share of proxies that are bad (fail most probes) and how often bad and good ones fail. */
const BAD_PROXY_PERCENT = 5;
const BAD_FAILURE_PERCENT = 80;
const GOOD_FAILURE_PERCENT = 2;
const MIN_LATENCY_MS = 30;
const MAX_LATENCY_MS = 400;
const FAILURES: ReadonlyArray<readonly [string, number]> = [
  ['timed out (simulated)', 3],
  ['proxy: connection refused (ECONNREFUSED)', 2],
  ['proxy answered CONNECT with 502', 1],
];

/**
 * A proxy vendor in memory, for development and tests: `size` proxies across six countries, three
 * types and three protocols, the same for the same seed on every machine. Each proxy draws from its
 * own stream (seed, index), so a proxy stays the same whatever the size. Hosts are documentation
 * addresses: pair it with simulatedProbeResult, not a network probe.
 */
export class SimulatedProxyVendor implements ProxyVendor {
  readonly kind = 'simulated';
  private readonly proxies: VendorProxy[];

  constructor(private readonly options: SimulatedProxyVendorOptions) {
    if (!Number.isSafeInteger(options.seed)) throw new RangeError('seed must be an integer');
    if (!Number.isSafeInteger(options.size) || options.size < 0 || options.size > MAX_SIZE) {
      throw new RangeError(`size must be an integer from 0 to ${MAX_SIZE}`);
    }
    this.proxies = Array.from({ length: options.size }, (_, index) => simulatedProxy(options.seed, index));
  }

  async listProxies(signal?: AbortSignal): Promise<VendorProxy[]> {
    signal?.throwIfAborted();
    return this.proxies.map((proxy) => ({ ...proxy }));
  }

  async test(): Promise<{ ok: boolean; latencyMs: number }> {
    return { ok: true, latencyMs: 0 };
  }

  /**
   * A steady per-proxy rate (2–200 kB/s, from the seed and the id) times the whole seconds between
   * the two times: repeatable, additive over adjacent intervals, and zero for an empty one.
   */
  async trafficBytes(externalId: string, from: Date, to: Date): Promise<bigint> {
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new RangeError('invalid date');
    const seconds = Math.max(0, Math.floor(to.getTime() / 1000) - Math.floor(from.getTime() / 1000));
    const bytesPerSecond = new SeededRandom(this.options.seed, hashText(externalId)).integer(2_000, 200_000);
    return BigInt(bytesPerSecond) * BigInt(seconds);
  }
}

function simulatedProxy(seed: number, index: number): VendorProxy {
  const random = new SeededRandom(seed, index);
  const [countryCode, cities] = random.weighted(COUNTRIES);
  const network = DOCUMENTATION_NETWORKS[index % DOCUMENTATION_NETWORKS.length];
  const slot = Math.floor(index / DOCUMENTATION_NETWORKS.length);
  return {
    externalId: `sim-px-${seed}-${index + 1}`,
    host: `${network}.${1 + (slot % HOSTS_PER_NETWORK)}`,
    // A new port for each round through the addresses keeps every host:port pair distinct.
    port: 10_000 + Math.floor(slot / HOSTS_PER_NETWORK),
    protocol: random.weighted(PROTOCOLS),
    username: `sim-user-${index + 1}`,
    password: random.next().toString(36).slice(2, 14).padEnd(12, '0'),
    countryCode,
    city: cities[random.integer(0, cities.length - 1)],
    type: random.weighted(TYPES),
  };
}

/**
 * What probing a simulated proxy at round `tick` (an integer: a probe round, or epoch seconds over
 * the probe interval) gives: latency of 30–400 ms around a per-proxy base, 2 % failures, and 5 % of
 * proxies "bad", failing 80 % of rounds, so quarantine and scoring have something to act on in dev.
 * Pure: the same key, seed and tick always give the same result.
 */
export function simulatedProbeResult(externalIdOrHost: string, seed: number, tick: number): ProbeResult {
  const key = hashText(externalIdOrHost);
  const profile = new SeededRandom(seed, key);
  const bad = profile.chance(BAD_PROXY_PERCENT);
  const baseLatencyMs = 40 + profile.next() * 200;
  const round = new SeededRandom(seed, key, tick);
  const latencyMs = Math.round(
    Math.min(MAX_LATENCY_MS, Math.max(MIN_LATENCY_MS, baseLatencyMs * (0.7 + 0.6 * round.next()))),
  );
  if (round.chance(bad ? BAD_FAILURE_PERCENT : GOOD_FAILURE_PERCENT)) {
    const error = round.weighted(FAILURES);
    return { ok: false, latencyMs: error.startsWith('timed out') ? MAX_LATENCY_MS : latencyMs, error };
  }
  return { ok: true, latencyMs, status: 200 };
}

/** FNV-1a: a string as a 32-bit number, to seed a stream per proxy from its id or host. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash | 0;
}
