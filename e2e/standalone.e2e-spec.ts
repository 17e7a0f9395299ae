import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEVICE_ROUTES,
  SERVICE_CATALOG,
  SERVICE_NAMES,
  type ServiceName,
  serviceVariablePrefix,
  USER_ROUTES,
} from '@cloudphone/contracts';
import { waitFor } from '@cloudphone/shared/testing';
import { freePorts } from './support/free-ports';
import { remotePortsOf } from './support/process-sockets';
import {
  launchStandalone,
  queryEmbedded,
  readCredentials,
  type StandaloneLaunch,
  untilReady,
} from './support/standalone-launch';

// `npm start` with nothing but Node: no server URL in the environment, a fresh home directory. It
// must run the whole platform on the embedded Postgres and in-process drivers, keep its data and
// logins across a restart, deliver after a crash what was committed before it, and never touch
// the real servers' ports.
const REAL_SERVER_PORTS = [5432, 6379, 5672];
const DEVICE_DB = SERVICE_CATALOG.device.database;
const BILLING_DB = SERVICE_CATALOG.billing.database;
const NOTIFICATION_DB = SERVICE_CATALOG.notification.database;

jest.setTimeout(300_000);

/** Whether notification-service's inbox holds the event (its handler ran exactly once for it). */
async function inboxHolds(home: string, port: number, eventId: string): Promise<boolean> {
  const rows = await queryEmbedded(home, port, NOTIFICATION_DB, 'SELECT 1 FROM inbox WHERE event_id = $1', [
    eventId,
  ]);
  return rows.length === 1;
}

describe('npm start standalone (nothing installed)', () => {
  const home = mkdtempSync(join(tmpdir(), 'cloudphone-standalone-'));
  let environment: Record<string, string>;
  let urls: Record<ServiceName, string>;
  let launched: StandaloneLaunch | null = null;
  let allocationId = '';
  let allocatedEventId = '';

  const start = async () => {
    launched = launchStandalone(environment);
    await untilReady(launched);
    return launched;
  };
  const stop = async (signal: NodeJS.Signals) => {
    const running = launched!;
    process.kill(running.pid, signal);
    const exit = await running.exited;
    launched = null;
    return exit;
  };
  const call = async (url: string, token: string | null, body?: unknown) => {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const login = async (email: string, password: string) => {
    const answer = await call(`${urls[SERVICE_CATALOG.user.name]}/${USER_ROUTES.login}`, null, {
      email,
      password,
    });
    expect(answer.status).toBe(200);
    return String(answer.body.accessToken);
  };

  beforeAll(async () => {
    const ports = await freePorts(SERVICE_NAMES.length);
    urls = Object.fromEntries(
      SERVICE_NAMES.map((service, index) => [service, `http://127.0.0.1:${ports[index]}`]),
    ) as Record<ServiceName, string>;
    environment = {
      PATH: process.env.PATH ?? '',
      CLOUDPHONE_HOME: home,
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(
        SERVICE_NAMES.map((service, index) => [
          `${serviceVariablePrefix(service)}_PORT`,
          String(ports[index]),
        ]),
      ),
      // A job that fires every two seconds, so "a cron job ran" needs no minute boundary.
      DEVICE_SERVICE_CRON_SCHEDULE_OVERRIDES: JSON.stringify({
        'allocation-metrics': { expression: '*/2 * * * * *', jitterMs: 0 },
      }),
    };
  });

  afterAll(async () => {
    if (launched) {
      process.kill(-launched.pid, 'SIGKILL');
      await launched.exited;
    }
    // An embedded server orphaned by a failed test: stop it before its directory goes.
    const orphan = await findPostgresOn(home);
    if (orphan) process.kill(orphan, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('first run: starts with no server, creates the admin and demo user, allocates, delivers events, bills, runs cron', async () => {
    const running = await start();
    expect(running.output.join('\n')).toMatch(/First run: admin admin@cloudphone\.local \/ \S{12,}/);
    expect(running.postgresPort()).not.toBe(5432);
    const credentials = readCredentials(home);
    expect(running.output.join('\n')).toContain(credentials.ADMIN_PASSWORD);
    const demo = await login(credentials.DEMO_EMAIL, credentials.DEMO_PASSWORD);

    const allocated = await call(`${urls[SERVICE_CATALOG.device.name]}/${DEVICE_ROUTES.allocate}`, demo, {
      durationMinutes: 30,
    });
    expect(allocated.status).toBe(201);
    allocationId = String(allocated.body.id);

    // device.allocated: written to device-service's outbox in the allocation's transaction,
    // relayed over the in-process bus, recorded in notification-service's inbox by its handler.
    const [outboxRow] = await waitFor(
      () =>
        queryEmbedded<{ event_id: string }>(
          home,
          running.postgresPort(),
          DEVICE_DB,
          `SELECT event_id FROM outbox WHERE event_type = 'device.allocated' AND data->>'allocationId' = $1`,
          [allocationId],
        ).then((rows) => rows.length > 0 && rows),
      { description: 'device.allocated in the outbox' },
    );
    allocatedEventId = outboxRow.event_id;
    await waitFor(() => inboxHolds(home, running.postgresPort(), allocatedEventId), {
      description: 'device.allocated in notification-service inbox',
    });

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const released = await call(`${urls[SERVICE_CATALOG.device.name]}/${DEVICE_ROUTES.release}`, demo, {
      allocationId,
    });
    expect(released.status).toBe(200);
    const lasted = Date.parse(String(released.body.endedAt)) - Date.parse(String(released.body.startedAt));
    expect(released.body.billedSeconds).toBe(Math.ceil(lasted / 1000));
    const [usage] = await waitFor(
      () =>
        queryEmbedded<{ billed_seconds: number; amount_minor: string }>(
          home,
          running.postgresPort(),
          BILLING_DB,
          'SELECT billed_seconds, amount_minor FROM usage_records WHERE allocation_id = $1',
          [allocationId],
        ).then((rows) => rows.length > 0 && rows),
      { description: 'the usage record in billing-service' },
    );
    expect(usage.billed_seconds).toBe(released.body.billedSeconds);
    expect(BigInt(usage.amount_minor)).toBeGreaterThan(0n);

    const admin = await login(credentials.ADMIN_EMAIL, credentials.ADMIN_PASSWORD);
    const ran = await waitFor(
      async () => {
        const cron = await call(`${urls[SERVICE_CATALOG.device.name]}/internal/cron`, admin);
        const jobs = cron.body.jobs as Array<{ name: string; lastRuns: Array<{ outcome: string }> }>;
        const job = jobs.find((entry) => entry.name === 'allocation-metrics');
        return job?.lastRuns.some((run) => run.outcome === 'success') && job;
      },
      { timeoutMs: 20_000, description: 'a scheduled run of allocation-metrics' },
    );
    expect(ran.name).toBe('allocation-metrics');

    // Everything above went to the embedded server on its own port, and nowhere else.
    const remote = remotePortsOf(running.pid).filter((port) => port !== 0);
    expect(remote).toContain(running.postgresPort());
    expect(remote.filter((port) => REAL_SERVER_PORTS.includes(port))).toEqual([]);

    const exit = await stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await findPostgresOn(home)).toBeNull();
    expect(existsSync(join(home, 'host.pid'))).toBe(false);
  });

  it('restart: data and logins survive; no second first run', async () => {
    const running = await start();
    const output = running.output.join('\n');
    expect(output).not.toContain('First run');
    expect(output).toContain('Logins (admin and demo user) are in');
    const credentials = readCredentials(home);
    const admin = await login(credentials.ADMIN_EMAIL, credentials.ADMIN_PASSWORD);
    const allocation = await call(
      `${urls[SERVICE_CATALOG.device.name]}/${DEVICE_ROUTES.allocation.replace(':id', allocationId)}`,
      admin,
    );
    expect(allocation.status).toBe(200);
    expect(allocation.body.status).toBe('released');
  });

  it('kill -9: an event committed while the host was dead is delivered after the next start, and the data is intact', async () => {
    const crashed = launched!;
    const port = crashed.postgresPort();
    process.kill(crashed.pid, 'SIGKILL');
    await crashed.exited;
    launched = null;
    // The host is gone; its Postgres lives on as an orphan. Commit an unsent event the way a
    // transaction that finished just before the crash would have left it, then crash Postgres too.
    const copiedEventId = (
      await queryEmbedded<{ event_id: string }>(
        home,
        port,
        DEVICE_DB,
        `INSERT INTO outbox (event_id, event_type, event_version, aggregate_key, data)
         SELECT gen_random_uuid(), event_type, event_version, aggregate_key, data
           FROM outbox WHERE event_id = $1
         RETURNING event_id`,
        [allocatedEventId],
      )
    )[0].event_id;
    const orphan = await findPostgresOn(home);
    expect(orphan).not.toBeNull();
    process.kill(orphan!, 'SIGKILL');

    const running = await start();
    expect(running.output.join('\n')).toMatch(/stale postmaster\.pid|left running/);
    await waitFor(() => inboxHolds(home, running.postgresPort(), copiedEventId), {
      timeoutMs: 30_000,
      description: 'the event committed before the crash, in notification-service inbox',
    });
    const [usage] = await queryEmbedded<{ count: string }>(
      home,
      running.postgresPort(),
      BILLING_DB,
      'SELECT count(*) FROM usage_records WHERE allocation_id = $1',
      [allocationId],
    );
    expect(usage.count).toBe('1');
    const credentials = readCredentials(home);
    await login(credentials.DEMO_EMAIL, credentials.DEMO_PASSWORD);
    expect(await stop('SIGINT')).toEqual({ code: 0, signal: null });
  });
});

describe.each([
  ['CLUSTER_MODE', 'on'],
  ['KUBERNETES_SERVICE_HOST', '10.0.0.1'],
  ['exec_mode', 'cluster_mode'],
])('npm start standalone with %s=%s', (variable, value) => {
  it('refuses before it starts anything, naming the signal and the way out', async () => {
    const home = join(tmpdir(), `cloudphone-refused-${process.pid}-${variable}`);
    const launched = launchStandalone({
      PATH: process.env.PATH ?? '',
      CLOUDPHONE_HOME: home,
      [variable]: value,
    });
    const exit = await launched.exited;
    expect(exit.code).toBe(1);
    const output = launched.output.join('\n');
    expect(output).toContain('refuses to run as one of several');
    expect(output).toContain('POSTGRES_URL, REDIS_URL and RABBITMQ_URL');
    expect(existsSync(home)).toBe(false);
  });
});

/** The pid of a postgres server running on this home's data directory, or null. */
async function findPostgresOn(home: string): Promise<number | null> {
  const listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const line = listing
    .split('\n')
    .find((row) => row.includes('bin/postgres') && row.includes(join(home, 'postgres')));
  return line ? Number(line.trim().split(/\s+/)[0]) : null;
}
