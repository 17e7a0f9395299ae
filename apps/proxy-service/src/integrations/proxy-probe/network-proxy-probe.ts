import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { openHttpConnectTunnel } from './http-connect-tunnel';
import type { ProxyEndpoint } from './proxy-endpoint';
import type { ProbeResult, ProxyProbe } from './proxy-probe';
import { openSocks5Tunnel } from './socks5-tunnel';
import { requestTargetStatus, startTargetTls } from './target-request';
import { describeNetworkError, ProbeFailure, type Closable, type Track, type TunnelTarget } from './tunnel';

export interface NetworkProxyProbeOptions {
  /**
   * PEM certificates trusted besides Node's bundled roots, for TLS to `https` proxies and to
   * `https` targets: a private CA in front of the proxies, or a test's own certificate.
   */
  extraCa?: string[];
}

/**
 * Probes a proxy over the network: connects to it, opens a tunnel to the target (HTTP CONNECT, over
 * TLS for `https` proxies, or SOCKS5), speaks TLS to the target when its URL is https, sends a GET
 * and waits for the status line. One deadline covers all of it; every socket the probe opened is
 * destroyed when it returns, however it ends.
 */
export class NetworkProxyProbe implements ProxyProbe {
  private readonly ca: string[] | undefined;

  constructor(options: NetworkProxyProbeOptions = {}) {
    // Node's `ca` replaces the bundled roots rather than adding to them: add them back.
    this.ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined;
  }

  async probe(endpoint: ProxyEndpoint, target: URL, timeoutMs: number): Promise<ProbeResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return { ok: false, latencyMs: 0, error: 'target must be an http: or https: URL' };
    }
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      return { ok: false, latencyMs: 0, error: 'timeoutMs must be a positive number' };
    }

    const open = new Set<Closable>();
    const track: Track = (closable) => {
      open.add(closable);
      // A late error on a socket whose step is over (a reset while the next one starts) must not
      // crash the process; each step listens for the errors it cares about on its own.
      if ('on' in closable && typeof closable.on === 'function') closable.on('error', () => undefined);
      return closable;
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProbeFailure(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      // race() subscribes to both, so whichever loses rejects into nothing.
      const status = await Promise.race([this.targetStatus(endpoint, target, track), deadline]);
      const latencyMs = elapsed();
      return status < 500
        ? { ok: true, latencyMs, status }
        : { ok: false, latencyMs, status, error: `target answered ${status}` };
    } catch (error) {
      return { ok: false, latencyMs: elapsed(), error: describeNetworkError('probe', error) };
    } finally {
      clearTimeout(timer);
      for (const closable of open) closable.destroy();
    }
  }

  private async targetStatus(endpoint: ProxyEndpoint, target: URL, track: Track): Promise<number> {
    const destination: TunnelTarget = {
      // URL keeps an IPv6 host in brackets; tunnels and TLS want the bare address.
      host: target.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(target.port) || (target.protocol === 'https:' ? 443 : 80),
    };
    const tunnel: Socket =
      endpoint.protocol === 'socks5'
        ? await openSocks5Tunnel(endpoint, destination, track)
        : await openHttpConnectTunnel(endpoint, destination, track, this.ca);
    const stream =
      target.protocol === 'https:' ? await startTargetTls(tunnel, destination.host, track, this.ca) : tunnel;
    return requestTargetStatus(stream, target, track);
  }
}
