import type { ServerOptions } from 'socket.io';

/** Injection token of the process's PushFanout. */
export const PUSH_FANOUT = 'notification:push-fanout';

/**
 * How a push reaches the sockets of every replica: the socket.io adapter the push server uses, and
 * whether a push it emits has left this process. One driver per way of sharing: Redis pub/sub
 * (replicas), or the process itself (one instance, COORDINATION_DRIVER=memory).
 */
export interface PushFanout {
  readonly kind: 'redis' | 'local';
  /** The socket.io adapter to build the server with; undefined keeps socket.io's in-memory one. */
  readonly adapter: ServerOptions['adapter'] | undefined;
  /** Whether a push can reach the other replicas right now (false while Redis is unreachable). */
  isAvailable(): boolean;
  /**
   * Runs `emit` (a socket.io emit to a room, which hands the packet to the adapter synchronously)
   * and resolves once what the adapter published was accepted; rejects when publishing failed.
   */
  publish(emit: () => void): Promise<void>;
  /** Closes the connections the driver opened; the push server is closed before. */
  close(): Promise<void>;
}
