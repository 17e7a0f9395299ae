import type { ProxyVendor } from './proxy-vendor';
import { SimulatedProxyVendor } from './simulated-proxy-vendor';
import { WebshareProxyVendor } from './webshare-proxy-vendor';

export type ProxyVendorSettings =
  | { kind: 'simulated'; seed: number; size: number }
  | { kind: 'webshare'; baseUrl: string; apiKey: string; timeoutMs: number };

/** The driver `settings.kind` names, built from its settings (a service's config supplies them). */
export function createProxyVendor(settings: ProxyVendorSettings): ProxyVendor {
  switch (settings.kind) {
    case 'simulated':
      return new SimulatedProxyVendor({ seed: settings.seed, size: settings.size });
    case 'webshare':
      return new WebshareProxyVendor({
        baseUrl: settings.baseUrl,
        apiKey: settings.apiKey,
        timeoutMs: settings.timeoutMs,
      });
  }
}
