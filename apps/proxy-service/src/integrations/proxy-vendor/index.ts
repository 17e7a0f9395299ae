export { PROXY_VENDOR, type ProxyVendor, type VendorProxy } from './proxy-vendor';
export { ProxyVendorError, type ProxyVendorErrorCode } from './proxy-vendor.error';
export { createProxyVendor, type ProxyVendorSettings } from './proxy-vendor.factory';
export {
  SimulatedProxyVendor,
  simulatedProbeResult,
  type SimulatedProxyVendorOptions,
} from './simulated-proxy-vendor';
export { WebshareProxyVendor, type WebshareProxyVendorOptions } from './webshare-proxy-vendor';
