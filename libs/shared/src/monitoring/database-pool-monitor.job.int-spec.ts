import { Logger, type LoggerService } from '@nestjs/common';
import { Client } from 'pg';
import { DatabasePool } from '../database/database-pool';
import { DatabaseActivityRepository } from '../database/database-activity.repository';
import { SqlClient } from '../database/sql-client';
import { MetricsService } from '../metrics/metrics.service';
import {
  createTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type TestDatabase,
  TEST_SERVERS,
  waitFor,
} from '../testing';
import { DatabasePoolMonitorJob } from './database-pool-monitor.job';

// Real sessions on a fresh database, named like the services name their pools
// (`<service>:<instanceId>`): one replica idle and one holding a row lock in an open transaction,
// another replica blocked on that lock.
class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: unknown }> = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message });
  }
  error(message: unknown): void {
    this.lines.push({ level: 'error', message });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message });
  }
  get warnings(): Array<Record<string, unknown>> {
    return this.lines
      .filter((line) => line.level === 'warn')
      .map((line) => line.message as Record<string, unknown>);
  }
}

async function session(url: string, applicationName: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  return client;
}

describe('DatabasePoolMonitorJob (real Postgres)', () => {
  const logger = new CapturingLogger();
  let db: TestDatabase;
  // Connected to the server's `postgres` database, so its own session never shows up in ours.
  let admin: Client;
  let monitorPool: DatabasePool;
  let sessions: Client[];
  let blockedUpdate: Promise<unknown>;
  let metrics: MetricsService;
  let job: DatabasePoolMonitorJob;

  const applicationsIn = async (database: string) =>
    (
      await admin.query<{ session: string }>(
        `SELECT application_name || CASE WHEN wait_event_type = 'Lock' THEN ':Lock' ELSE '' END AS session
         FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' ORDER BY 1`,
        [database],
      )
    ).rows
      .map((row) => row.session)
      .join();

  const values = async (name: string) =>
    Object.fromEntries(
      (await gaugeValues(metrics, name)).map(({ labels, value }) => [
        Object.values(labels).join() || '',
        value,
      ]),
    );

  beforeAll(async () => {
    Logger.overrideLogger(logger);
    db = await createTestDatabase('proxy-service', { migrate: false });
    await db.query('CREATE TABLE pool_probe (id int PRIMARY KEY, value int NOT NULL)');
    await db.query('INSERT INTO pool_probe VALUES (1, 0)');
    admin = new Client({ connectionString: TEST_SERVERS.postgresUrl });
    await admin.connect();
    monitorPool = await DatabasePool.open({
      url: db.url,
      applicationName: 'proxy-service:monitor',
      poolSize: 1,
    });
    const [idle, holder, blocked] = await Promise.all([
      session(db.url, 'proxy-service:replica-a'),
      session(db.url, 'proxy-service:replica-a'),
      session(db.url, 'proxy-service:replica-b'),
    ]);
    sessions = [idle, holder, blocked];
    await holder.query('BEGIN');
    await holder.query('UPDATE pool_probe SET value = 1 WHERE id = 1');
    blockedUpdate = blocked.query('UPDATE pool_probe SET value = 2 WHERE id = 1');
    // Also waits for the short-lived setup sessions to be gone, so only ours are counted.
    await waitFor(
      async () =>
        (await applicationsIn(db.name)) ===
        'proxy-service:monitor,proxy-service:replica-a,proxy-service:replica-a,proxy-service:replica-b:Lock',
      { description: 'only our sessions, with replica-b waiting on the row lock' },
    );
    metrics = new MetricsService('proxy-service');
    job = new DatabasePoolMonitorJob(new DatabaseActivityRepository(new SqlClient(monitorPool)), metrics);
  });

  afterAll(async () => {
    await sessions?.[1]?.query('ROLLBACK');
    await blockedUpdate;
    await Promise.all((sessions ?? []).map((client) => client.end()));
    await monitorPool?.end();
    await admin?.end();
    await db?.drop();
    Logger.overrideLogger(false);
  });

  it('publishes connections by state and application, lock waits and server headroom', async () => {
    await job.monitor(manualCronRunContext());

    expect(await values('cloudphone_database_connections_by_application')).toEqual({
      'proxy-service:replica-a': 2,
      'proxy-service:replica-b': 1,
      'proxy-service:monitor': 1,
    });
    // The monitor's own query and the blocked update are active; replica-a has one of each other state.
    expect(await values('cloudphone_database_connections')).toEqual({
      active: 2,
      idle: 1,
      idle_in_transaction: 1,
      idle_in_transaction_aborted: 0,
    });
    expect(await values('cloudphone_database_connections_waiting_on_lock')).toEqual({ '': 1 });

    const {
      rows: [settings],
    } = await admin.query<{ max: number; reserved: number }>(
      `SELECT current_setting('max_connections')::int AS max,
              current_setting('superuser_reserved_connections')::int AS reserved`,
    );
    expect(await values('cloudphone_database_connection_limit')).toEqual({
      server: settings.max - settings.reserved,
    });
    const { server } = await values('cloudphone_database_connection_headroom_ratio');
    // Other databases on the shared server hold connections too; ours alone are 4 of the limit.
    expect(server).toBeGreaterThan(0);
    expect(server).toBeLessThanOrEqual(1 - 4 / (settings.max - settings.reserved));
    expect(logger.warnings.filter((warning) => warning.scope === 'database')).toEqual([]);
  });

  it('measures the database CONNECTION LIMIT too, and warns naming the busiest applications', async () => {
    // A limit on our own throw-away database (superusers, as here, may still exceed it).
    await admin.query(`ALTER DATABASE "${db.name}" CONNECTION LIMIT 5`);
    await job.monitor(manualCronRunContext());
    expect(await values('cloudphone_database_connection_limit')).toMatchObject({ database: 5 });
    expect(await values('cloudphone_database_connection_headroom_ratio')).toMatchObject({ database: 0.2 });
    expect(logger.warnings.filter((warning) => warning.scope === 'database')).toEqual([]);

    await admin.query(`ALTER DATABASE "${db.name}" CONNECTION LIMIT 4`);
    await job.monitor(manualCronRunContext());
    expect(await values('cloudphone_database_connection_headroom_ratio')).toMatchObject({ database: 0 });
    expect(logger.warnings).toContainEqual(
      expect.objectContaining({
        msg: 'database connection headroom low',
        scope: 'database',
        limit: 4,
        inUse: 4,
        headroomRatio: 0,
        topApplications: [
          { applicationName: 'proxy-service:replica-a', connections: 2 },
          expect.objectContaining({ connections: 1 }),
          expect.objectContaining({ connections: 1 }),
        ],
      }),
    );
  });

  it('drops applications that disconnected and lock waits that ended', async () => {
    await sessions[1].query('COMMIT');
    await blockedUpdate;
    await sessions[2].end();
    await waitFor(
      async () =>
        (await applicationsIn(db.name)) ===
        'proxy-service:monitor,proxy-service:replica-a,proxy-service:replica-a',
      { description: 'replica-b to disconnect' },
    );
    sessions.splice(2, 1);
    await job.monitor(manualCronRunContext());
    expect(await values('cloudphone_database_connections_by_application')).toEqual({
      'proxy-service:replica-a': 2,
      'proxy-service:monitor': 1,
    });
    expect(await values('cloudphone_database_connections_waiting_on_lock')).toEqual({ '': 0 });
    expect(await values('cloudphone_database_connections')).toMatchObject({
      idle_in_transaction: 0,
      idle: 2,
    });
  });
});
