import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { ProxyEndpoint } from './proxy-endpoint';
import { authority, describeNetworkError, ProbeFailure, type Track, type TunnelTarget } from './tunnel';

/**
 * Opens a tunnel to `target` with HTTP CONNECT (RFC 9110 §9.3.6) through an `http` proxy, or
 * through TLS to an `https` proxy first. Resolves with the raw socket once the proxy answered 2xx;
 * whatever the target speaks (HTTP, TLS) then goes over it unchanged. `ca` is the whole trust list
 * for the TLS to an `https` proxy (undefined: Node's bundled roots).
 */
export function openHttpConnectTunnel(
  endpoint: ProxyEndpoint,
  target: TunnelTarget,
  track: Track,
  ca: string[] | undefined,
): Promise<Socket> {
  const path = authority(target);
  const headers: Record<string, string> = { Host: path };
  if (endpoint.username !== null) {
    const token = Buffer.from(`${endpoint.username}:${endpoint.password ?? ''}`, 'utf8').toString('base64');
    headers['Proxy-Authorization'] = `Basic ${token}`;
  }
  // agent: false gives the probe a connection of its own: a pooled, already-open one would hide
  // the connect time that the latency is meant to include.
  const options: RequestOptions = {
    host: endpoint.host,
    port: endpoint.port,
    method: 'CONNECT',
    path,
    headers,
    agent: false,
  };
  return new Promise((resolve, reject) => {
    const request = track(
      endpoint.protocol === 'https' ? httpsRequest({ ...options, ca }) : httpRequest(options),
    );
    // Node reports every answer to a CONNECT as 'connect', whatever its status.
    request.once('connect', (response: IncomingMessage, socket: Socket, head: Buffer) => {
      track(socket);
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) reject(new ProbeFailure(refusal(status, endpoint)));
      // Bytes before we sent any would be the proxy talking on the target's behalf: not a tunnel.
      else if (head.length > 0) reject(new ProbeFailure('proxy sent data before the tunnel was used'));
      else resolve(socket);
    });
    request.once('error', (error) => reject(new ProbeFailure(describeNetworkError('proxy', error))));
    request.end();
  });
}

function refusal(status: number, endpoint: ProxyEndpoint): string {
  if (status === 407) {
    return endpoint.username === null
      ? 'proxy requires credentials (407)'
      : 'proxy refused the credentials (407)';
  }
  return `proxy answered CONNECT with ${status}`;
}
