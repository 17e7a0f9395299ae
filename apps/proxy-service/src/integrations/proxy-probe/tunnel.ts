/** The far end of a tunnel: a host name or an IP address (IPv6 without brackets) and a port. */
export interface TunnelTarget {
  host: string;
  port: number;
}

/**
 * Registers a socket, request or response with the probe that opened it; the probe destroys every
 * one it holds when it ends, whichever way it ends, so no step has to clean up after itself.
 */
export type Track = <T extends Closable>(closable: T) => T;

export interface Closable {
  destroy(): unknown;
}

/**
 * A failure whose message is ready for ProbeResult.error: a few words naming the hop that failed,
 * never a credential or a header we sent.
 */
export class ProbeFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeFailure';
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed',
};

/**
 * Node's network and TLS errors in a few words, prefixed by the hop ("proxy", "target"). Only the
 * error code is kept: Node's messages name addresses, and a short stable text groups well in logs.
 */
export function describeNetworkError(hop: string, error: unknown): string {
  if (error instanceof ProbeFailure) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    return Object.hasOwn(REASONS, code) ? `${hop}: ${REASONS[code]} (${code})` : `${hop}: ${code}`;
  }
  return `${hop}: ${error instanceof Error ? error.message.slice(0, 120) : 'failed'}`;
}

/** `host:port` as CONNECT and Host headers spell it: an IPv6 address goes in brackets. */
export function authority(target: TunnelTarget): string {
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}
