import { isIP } from 'node:net';
import { createProxyVendor } from './proxy-vendor.factory';
import { SimulatedProxyVendor, simulatedProbeResult } from './simulated-proxy-vendor';

const DOCUMENTATION_NETWORK = /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/;

/** Share of `values` for which `predicate` holds. */
function share<T>(values: T[], predicate: (value: T) => boolean): number {
  return values.filter(predicate).length / values.length;
}

describe('SimulatedProxyVendor', () => {
  it('lists the same proxies for the same seed, other ones for another, each stable whatever the size', async () => {
    const first = await new SimulatedProxyVendor({ seed: 7, size: 50 }).listProxies();
    const again = await createProxyVendor({ kind: 'simulated', seed: 7, size: 50 }).listProxies();
    const larger = await new SimulatedProxyVendor({ seed: 7, size: 80 }).listProxies();
    const otherSeed = await new SimulatedProxyVendor({ seed: 8, size: 50 }).listProxies();

    expect(again).toEqual(first);
    expect(larger.slice(0, 50)).toEqual(first);
    expect(otherSeed.map((proxy) => proxy.externalId)).not.toEqual(first.map((proxy) => proxy.externalId));
    expect(otherSeed.map((proxy) => proxy.countryCode)).not.toEqual(first.map((proxy) => proxy.countryCode));
  });

  it('spreads proxies over six countries, three types and three protocols, on documentation addresses', async () => {
    const proxies = await new SimulatedProxyVendor({ seed: 3, size: 2000 }).listProxies();

    expect(new Set(proxies.map((proxy) => proxy.externalId)).size).toBe(2000);
    expect(new Set(proxies.map((proxy) => `${proxy.host}:${proxy.port}`)).size).toBe(2000);
    expect(proxies.every((proxy) => DOCUMENTATION_NETWORK.test(proxy.host) && isIP(proxy.host) === 4)).toBe(
      true,
    );
    expect(proxies.every((proxy) => proxy.port >= 1 && proxy.port <= 65535)).toBe(true);
    expect(proxies.every((proxy) => /^[A-Z]{2}$/.test(proxy.countryCode) && proxy.city)).toBe(true);
    expect(new Set(proxies.map((proxy) => proxy.countryCode))).toEqual(
      new Set(['US', 'DE', 'GB', 'FR', 'JP', 'BR']),
    );
    expect(share(proxies, (proxy) => proxy.countryCode === 'US')).toBeGreaterThan(0.25);
    expect(share(proxies, (proxy) => proxy.countryCode === 'US')).toBeLessThan(0.35);
    expect(share(proxies, (proxy) => proxy.type === 'datacenter')).toBeGreaterThan(0.45);
    expect(share(proxies, (proxy) => proxy.type === 'mobile')).toBeGreaterThan(0.1);
    expect(share(proxies, (proxy) => proxy.protocol === 'socks5')).toBeGreaterThan(0.25);
    expect(share(proxies, (proxy) => proxy.protocol === 'https')).toBeGreaterThan(0.05);
    expect(proxies.every((proxy) => proxy.username && proxy.password)).toBe(true);
  });

  it('refuses a size it would not simulate', () => {
    expect(() => new SimulatedProxyVendor({ seed: 1, size: -1 })).toThrow(RangeError);
    expect(() => new SimulatedProxyVendor({ seed: 1, size: 100_001 })).toThrow(RangeError);
  });

  it('meters traffic as a steady per-proxy rate: repeatable, additive, zero for an empty interval', async () => {
    const vendor = new SimulatedProxyVendor({ seed: 5, size: 10 });
    const start = new Date('2024-06-01T00:00:00Z');
    const hour = new Date('2024-06-01T01:00:00Z');
    const twoHours = new Date('2024-06-01T02:00:00Z');

    const first = await vendor.trafficBytes('sim-px-5-1', start, hour);
    expect(await new SimulatedProxyVendor({ seed: 5, size: 0 }).trafficBytes('sim-px-5-1', start, hour)).toBe(
      first,
    );
    expect(first).toBeGreaterThanOrEqual(2_000n * 3600n);
    expect(first).toBeLessThanOrEqual(200_000n * 3600n);
    expect(await vendor.trafficBytes('sim-px-5-1', start, twoHours)).toBe(
      first + (await vendor.trafficBytes('sim-px-5-1', hour, twoHours)),
    );
    expect(await vendor.trafficBytes('sim-px-5-1', hour, start)).toBe(0n);
    expect(await vendor.trafficBytes('sim-px-5-2', start, hour)).not.toBe(first);
    expect(await vendor.test()).toEqual({ ok: true, latencyMs: 0 });
  });
});

describe('simulatedProbeResult', () => {
  const ids = Array.from({ length: 400 }, (_, index) => `sim-px-11-${index + 1}`);
  const ticks = Array.from({ length: 30 }, (_, tick) => tick);

  it('is a pure function of the proxy, the seed and the tick', () => {
    for (const id of ids.slice(0, 20)) {
      for (const tick of ticks.slice(0, 5)) {
        expect(simulatedProbeResult(id, 11, tick)).toEqual(simulatedProbeResult(id, 11, tick));
      }
    }
    const series = (seed: number) => ticks.map((tick) => simulatedProbeResult(ids[0], seed, tick).latencyMs);
    expect(series(11)).not.toEqual(series(12));
  });

  it('gives latencies of 30-400 ms, a few failures, and a few bad proxies that fail most of the time', () => {
    const results = ids.map((id) => ticks.map((tick) => simulatedProbeResult(id, 11, tick)));
    const all = results.flat();
    const latencies = all.filter((result) => result.ok).map((result) => result.latencyMs);
    latencies.sort((a, b) => a - b);
    const failureRates = results.map((series) => share(series, (result) => !result.ok));

    expect(all.every((result) => result.latencyMs >= 30 && result.latencyMs <= 400)).toBe(true);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeGreaterThan(80);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(250);
    expect(all.filter((result) => result.ok).every((result) => result.status === 200)).toBe(true);
    expect(all.filter((result) => !result.ok).every((result) => typeof result.error === 'string')).toBe(true);
    expect(share(all, (result) => !result.ok)).toBeGreaterThan(0.03);
    expect(share(all, (result) => !result.ok)).toBeLessThan(0.1);
    const bad = share(failureRates, (rate) => rate >= 0.5);
    expect(bad).toBeGreaterThan(0.02);
    expect(bad).toBeLessThan(0.1);
    expect(share(failureRates, (rate) => rate <= 0.15)).toBeGreaterThan(0.85);
  });
});
