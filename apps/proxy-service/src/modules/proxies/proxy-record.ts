export const PROXY_STATUSES = ['available', 'assigned', 'unhealthy', 'retired'] as const;
export type ProxyStatus = (typeof PROXY_STATUSES)[number];
export const PROXY_PROTOCOLS = ['http', 'https', 'socks5'] as const;
export type ProxyProtocol = (typeof PROXY_PROTOCOLS)[number];

/** An egress proxy bought from a vendor, assignable to a device. */
export interface ProxyRecord {
  id: string;
  provider: string;
  host: string;
  port: number;
  protocol: ProxyProtocol;
  countryCode: string;
  status: ProxyStatus;
  qualityScore: number;
  /** bigint column, kept as its decimal text. */
  costPerGbMicros: string;
  createdAt: Date;
  updatedAt: Date;
}
