import { request as httpRequest, type IncomingMessage } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { describeNetworkError, ProbeFailure, type Track } from './tunnel';

/**
 * TLS to the target over an open tunnel, as a browser behind the proxy would do it: SNI and the
 * certificate check use the target's name (an IP target is checked against the certificate's IP
 * entries, without SNI, which RFC 6066 reserves for names). `ca` is the whole trust list
 * (undefined: Node's bundled roots).
 */
export function startTargetTls(
  tunnel: Socket,
  host: string,
  track: Track,
  ca: string[] | undefined,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = track(tlsConnect({ socket: tunnel, host, servername: isIP(host) ? undefined : host, ca }));
    secure.once('secureConnect', () => resolve(secure));
    secure.once('error', (error) => reject(new ProbeFailure(describeNetworkError('target TLS', error))));
  });
}

/**
 * Sends a GET for `target` over `stream` and resolves with the status as soon as the status line
 * and headers are in: the body is never read, the probe measures reachability, not bandwidth.
 */
export function requestTargetStatus(stream: Socket, target: URL, track: Track): Promise<number> {
  return new Promise((resolve, reject) => {
    // No agent: with createConnection the request uses our stream and nothing is pooled.
    const request = track(
      httpRequest({
        createConnection: () => stream,
        method: 'GET',
        path: `${target.pathname}${target.search}`,
        headers: {
          Host: target.host,
          'User-Agent': 'cloudphone-proxy-probe',
          Accept: '*/*',
          Connection: 'close',
        },
      }),
    );
    request.once('response', (response: IncomingMessage) => {
      track(response);
      resolve(response.statusCode ?? 0);
    });
    request.once('error', (error) => reject(new ProbeFailure(describeNetworkError('target', error))));
    request.end();
  });
}
