import { Injectable, Logger } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import { ClusterSafeCron } from '../cron/cluster-safe-cron.decorator';
import type { CronRunContext } from '../cron/cron.types';
import { DatabaseActivityRepository } from '../database/database-activity.repository';
import { MetricsService } from '../metrics/metrics.service';

/** Below this share of free connection slots the job warns: new replicas or pools will soon fail to connect. */
const LOW_HEADROOM_RATIO = 0.2;
const TOP_APPLICATIONS_LOGGED = 5;
// Always published (zero when absent) so alerts on e.g. idle_in_transaction see a series.
const KNOWN_STATES = ['active', 'idle', 'idle_in_transaction', 'idle_in_transaction_aborted'];

// Client backends only: background workers, autovacuum and WAL senders have limits of their own.
// Without pg_read_all_stats, other roles' sessions show a null state, counted as `unknown`.
interface ConnectionLimit {
  scope: 'server' | 'database';
  limit: number;
  inUse: number;
}

/**
 * Database pool monitor (shared/SPEC.md §6): once a minute, on whichever replica wins the tick,
 * reads pg_stat_activity for the service's own database (connections by state and by
 * application_name, `<service>:<instanceId>` for the services' pools; sessions waiting on a lock)
 * and the free share of the server's max_connections and of the database's CONNECTION LIMIT.
 * Publishes them as gauges and warns when a limit is close. Apps add it to their providers.
 */
@Injectable()
export class DatabasePoolMonitorJob {
  private readonly logger = new Logger('DatabasePoolMonitorJob');
  private readonly byState: Gauge<'state'>;
  private readonly byApplication: Gauge<'application_name'>;
  private readonly waitingOnLock: Gauge;
  private readonly limitGauge: Gauge<'scope'>;
  private readonly headroomGauge: Gauge<'scope'>;

  constructor(
    private readonly database: DatabaseActivityRepository,
    metrics: MetricsService,
  ) {
    this.byState = metrics.gauge({
      name: 'cloudphone_database_connections',
      help: "Connections to this service's database by state (database-pool-monitor job)",
      labelNames: ['state'],
    });
    this.byApplication = metrics.gauge({
      name: 'cloudphone_database_connections_by_application',
      help: "Connections to this service's database by application_name, <service>:<instanceId> for its replicas",
      labelNames: ['application_name'],
    });
    this.waitingOnLock = metrics.gauge({
      name: 'cloudphone_database_connections_waiting_on_lock',
      help: "Sessions on this service's database waiting for a lock (database-pool-monitor job)",
    });
    this.limitGauge = metrics.gauge({
      name: 'cloudphone_database_connection_limit',
      help: 'Connections allowed: server (max_connections minus reserved) and database (CONNECTION LIMIT, when set)',
      labelNames: ['scope'],
    });
    this.headroomGauge = metrics.gauge({
      name: 'cloudphone_database_connection_headroom_ratio',
      help: 'Free share (0-1) of the server and database connection limits (database-pool-monitor job)',
      labelNames: ['scope'],
    });
  }

  @ClusterSafeCron('* * * * *', { name: 'database-pool-monitor', maxRunMs: 30_000, jitterMs: 3000 })
  async monitor({ signal }: CronRunContext): Promise<void> {
    const activity = await this.database.activity();
    signal.throwIfAborted();
    const limits = await this.database.limits();
    signal.throwIfAborted();

    const states = new Map(KNOWN_STATES.map((state) => [state, 0]));
    const applications = new Map<string, number>();
    let databaseConnections = 0;
    let waiting = 0;
    for (const row of activity) {
      const state = stateLabel(row.state);
      states.set(state, (states.get(state) ?? 0) + row.connections);
      applications.set(row.applicationName, (applications.get(row.applicationName) ?? 0) + row.connections);
      databaseConnections += row.connections;
      waiting += row.waitingOnLock;
    }
    const connectionLimits: ConnectionLimit[] = [
      { scope: 'server', limit: limits.serverLimit, inUse: limits.serverConnections },
      // -1 means the database has no limit of its own.
      ...(limits.databaseLimit >= 0
        ? [{ scope: 'database' as const, limit: limits.databaseLimit, inUse: databaseConnections }]
        : []),
    ];

    this.publish(states, applications, waiting, connectionLimits);
    for (const limit of connectionLimits) {
      const ratio = headroomRatio(limit);
      if (ratio >= LOW_HEADROOM_RATIO) continue;
      this.logger.warn({
        msg: 'database connection headroom low',
        scope: limit.scope,
        limit: limit.limit,
        inUse: limit.inUse,
        headroomRatio: ratio,
        topApplications: [...applications.entries()]
          .sort(([, a], [, b]) => b - a)
          .slice(0, TOP_APPLICATIONS_LOGGED)
          .map(([applicationName, connections]) => ({ applicationName, connections })),
      });
    }
    this.logger.log({
      msg: 'database pool monitored',
      connections: databaseConnections,
      waitingOnLock: waiting,
      serverConnections: limits.serverConnections,
    });
  }

  // Reset first, so replicas that went away since the last run disappear from the series.
  private publish(
    states: Map<string, number>,
    applications: Map<string, number>,
    waiting: number,
    limits: ConnectionLimit[],
  ): void {
    this.byState.reset();
    this.byApplication.reset();
    this.limitGauge.reset();
    this.headroomGauge.reset();
    for (const [state, connections] of states) this.byState.set({ state }, connections);
    for (const [application, connections] of applications) {
      this.byApplication.set({ application_name: application }, connections);
    }
    this.waitingOnLock.set(waiting);
    for (const limit of limits) {
      this.limitGauge.set({ scope: limit.scope }, limit.limit);
      this.headroomGauge.set({ scope: limit.scope }, headroomRatio(limit));
    }
  }
}

// `idle in transaction (aborted)` → `idle_in_transaction_aborted`, a label value dashboards can type.
function stateLabel(state: string): string {
  return state.replace(/[()]/g, '').trim().replace(/\s+/g, '_');
}

// Superusers may use reserved slots past the limit; the ratio stays within 0-1.
function headroomRatio({ limit, inUse }: ConnectionLimit): number {
  if (limit <= 0) return 0;
  return Math.min(Math.max((limit - inUse) / limit, 0), 1);
}
