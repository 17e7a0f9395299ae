import type { ProxyEndpoint } from './proxy-endpoint';

/**
 * One probe's outcome. `ok` means the target answered through the proxy with a status below 500
 * (any 2xx, 3xx or 4xx from the target proves the proxy carries traffic). `latencyMs` is the time
 * from the start of the probe to the target's status line and headers, or to the failure.
 * `status` is the target's status when it answered; `error` a short, credential-free reason.
 */
export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  status?: number;
  error?: string;
}

/**
 * Checks that a proxy carries a GET to `target` within `timeoutMs`. Implementations never throw:
 * every failure is a ProbeResult with `ok: false`, so a scoring job can probe a whole pool in one pass.
 */
export interface ProxyProbe {
  probe(endpoint: ProxyEndpoint, target: URL, timeoutMs: number): Promise<ProbeResult>;
}

/** Injection token of the ProxyProbe a service uses (NetworkProxyProbe for real proxies). */
export const PROXY_PROBE = Symbol('PROXY_PROBE');
