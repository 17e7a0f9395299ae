/** One proxy as a vendor sells it, ready to import into the pool. */
export interface VendorProxy {
  /** The vendor's own id for the proxy: stable across listings, unique within the vendor. */
  externalId: string;
  host: string;
  port: number;
  protocol: 'http' | 'https' | 'socks5';
  username: string | null;
  password: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode: string;
  city: string | null;
  type: 'residential' | 'datacenter' | 'mobile';
}

/**
 * A proxy vendor's account: what it holds, whether its API answers, and what it metered. Drivers
 * throw ProxyVendorError when a call fails, so callers can tell a bad key from a vendor outage.
 */
export interface ProxyVendor {
  readonly kind: 'simulated' | 'webshare';
  /** Every proxy the account holds (all pages), for import. */
  listProxies(signal?: AbortSignal): Promise<VendorProxy[]>;
  /** Cheap authenticated call proving the API and credentials work. */
  test(): Promise<{ ok: boolean; latencyMs: number; error?: string }>;
  /** Bytes sent through this proxy between two times if the vendor reports them per proxy, else null. */
  trafficBytes(externalId: string, from: Date, to: Date): Promise<bigint | null>;
}

/** Injection token of the configured ProxyVendor. */
export const PROXY_VENDOR = Symbol('PROXY_VENDOR');
