import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MetricsService } from '@cloudphone/shared';
import type { Counter, Gauge } from 'prom-client';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { DeviceProvisioner } from '../devices';
import { type AccessLease, AccessRepository } from './access.repository';

/** A claim's identity: a new claim of the device (or a failover) is another session owner. */
const claimKey = (lease: Pick<AccessLease, 'allocationId' | 'fencingToken'>) =>
  `${lease.allocationId}:${lease.fencingToken}`;

/**
 * The ADB side of the access gateway: each allocated device has a port (ACCESS_GATEWAY_PORT_BASE +
 * its access slot) that forwards to the device's ADB daemon at its provider. Every replica listens on
 * the ports of all allocated devices (under PM2 the cluster shares each port), and
 *   - checks each new connection against the database (an active, unexpired claim of that device),
 *     so access ends the moment its allocation does, whatever replica ended it;
 *   - every ACCESS_GATEWAY_SYNC_MS closes the ports of devices no longer allocated and cuts the
 *     sessions of claims that ended (a local release cuts its claim's sessions at once).
 * A sync acts only on what is older than its own read of the leases: a port opened, or a session
 * admitted, after that read belongs to a claim the read may not have seen yet (a failover, a new
 * allocation), and the next sync judges it.
 */
@Injectable()
export class AdbGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AdbGateway.name);
  // By slot: the server and when it started listening (performance.now()).
  private readonly listeners = new Map<number, { server: Server; since: number; ready: Promise<void> }>();
  // Ports another process holds (a second replica outside PM2's cluster): noted once, retried quietly.
  private readonly busy = new Set<number>();
  // By claim: each socket and when its claim was checked (performance.now()).
  private readonly sessions = new Map<string, Map<Socket, number>>();
  private readonly connections: Counter<'outcome'>;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly repository: AccessRepository,
    private readonly provisioner: DeviceProvisioner,
    private readonly config: DeviceServiceConfig,
    metrics: MetricsService,
  ) {
    this.connections = metrics.counter({
      name: 'cloudphone_access_connections_total',
      help: 'ADB connections to the access gateway, by outcome (forwarded, refused, failed)',
      labelNames: ['outcome'],
    });
    const sessions = this.sessions;
    metrics.gauge({
      name: 'cloudphone_access_sessions',
      help: 'ADB sessions this replica forwards now',
      collect(this: Gauge) {
        let open = 0;
        for (const sockets of sessions.values()) open += sockets.size;
        this.set(open);
      },
    });
  }

  /** The port of an access slot, or null when it falls past 65535. */
  portOf(slot: number): number | null {
    const port = this.config.accessGatewayPortBase + slot;
    return port <= 65_535 ? port : null;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sync(), this.config.accessGatewaySyncMs);
    this.timer.unref();
    void this.sync();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    for (const sockets of this.sessions.values()) for (const socket of sockets.keys()) socket.destroy();
    this.sessions.clear();
    await Promise.all([...this.listeners.keys()].map((slot) => this.close(slot)));
  }

  /** Listens on a slot's port now (before an allocation's answer names it). */
  async listen(slot: number): Promise<void> {
    const port = this.portOf(slot);
    if (port === null || this.stopped) return;
    const open = this.listeners.get(slot);
    if (open) {
      // Renewed, so a sync that read the leases before this claim does not close it.
      open.since = performance.now();
      return open.ready;
    }
    const server = createServer((socket) => void this.accept(slot, socket));
    const ready = new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.accessGatewayBindHost, () => resolve());
    }).then(
      () => {
        server.on('error', (error) => this.logger.warn({ msg: 'access port error', port, err: error }));
        this.busy.delete(port);
      },
      (error: unknown) => {
        if (this.listeners.get(slot)?.server === server) this.listeners.delete(slot);
        if (this.busy.has(port)) return;
        this.busy.add(port);
        this.logger.warn({ msg: 'access port not available here; retried at every sync', port, err: error });
      },
    );
    this.listeners.set(slot, { server, since: performance.now(), ready });
    return ready;
  }

  /** Matches listeners and sessions to the live leases; concurrent calls share one run. */
  /**
   * Cuts this replica's sessions of claims that just ended here, at once and without reading the
   * leases (other replicas cut theirs at their next sync, as do the ports: the sync also judges any
   * newer claim of the device).
   */
  cutEnded(claims: ReadonlyArray<Pick<AccessLease, 'allocationId' | 'fencingToken'>>): void {
    for (const claim of claims) {
      const sockets = this.sessions.get(claimKey(claim));
      if (sockets) for (const socket of sockets.keys()) socket.destroy();
    }
  }

  sync(): Promise<void> {
    this.syncing ??= this.reconcile()
      .catch((error: unknown) => this.logger.warn({ msg: 'access gateway sync failed', err: error }))
      .finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async reconcile(): Promise<void> {
    const readAt = performance.now();
    const leases = await this.repository.liveLeases();
    if (this.stopped) return;
    const slots = new Set(leases.map((lease) => lease.slot));
    const claims = new Set(leases.map(claimKey));
    for (const [key, sockets] of this.sessions) {
      if (claims.has(key)) continue;
      for (const [socket, checkedAt] of sockets) if (checkedAt < readAt) socket.destroy();
    }
    // Stops accepting without waiting for the close: a connection still being checked closes itself
    // (or is cut by the next sync), and a sync that waited for it would hold up the one that cuts it.
    for (const [slot, { since }] of this.listeners) {
      if (!slots.has(slot) && since < readAt) void this.close(slot);
    }
    await Promise.all([...slots].map((slot) => this.listen(slot)));
  }

  private close(slot: number): Promise<void> {
    const server = this.listeners.get(slot)?.server;
    this.listeners.delete(slot);
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private async accept(slot: number, client: Socket): Promise<void> {
    client.on('error', () => client.destroy());
    client.pause();
    const checkedAt = performance.now();
    try {
      const lease = await this.repository.leaseOfSlot(slot);
      if (!lease || this.stopped) {
        this.connections.inc({ outcome: 'refused' });
        client.destroy();
        return;
      }
      const { adb } = await this.provisioner.connection(lease);
      const upstream = connect(adb.port, adb.host);
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      this.track(claimKey(lease), client, checkedAt);
      upstream.once('connect', () => {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      this.connections.inc({ outcome: 'forwarded' });
    } catch (error) {
      this.connections.inc({ outcome: 'failed' });
      this.logger.warn({ msg: 'access connection failed', slot, err: error });
      client.destroy();
    }
  }

  private track(key: string, socket: Socket, checkedAt: number): void {
    const sockets = this.sessions.get(key) ?? new Map<Socket, number>();
    this.sessions.set(key, sockets);
    sockets.set(socket, checkedAt);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.sessions.get(key) === sockets) this.sessions.delete(key);
    });
  }
}
