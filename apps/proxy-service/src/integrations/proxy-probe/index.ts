export type { ProxyEndpoint } from './proxy-endpoint';
export { PROXY_PROBE, type ProbeResult, type ProxyProbe } from './proxy-probe';
export { NetworkProxyProbe, type NetworkProxyProbeOptions } from './network-proxy-probe';
