/**
 * Where and how to reach one egress proxy. `https` means TLS to the proxy itself (then an HTTP
 * CONNECT inside it); `http` a plain CONNECT; `socks5` RFC 1928. Credentials are null for proxies
 * that authorise by source IP.
 */
export interface ProxyEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https' | 'socks5';
  username: string | null;
  password: string | null;
}
