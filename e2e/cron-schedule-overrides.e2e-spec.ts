import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisConnectionManager } from '@cloudphone/shared';
import {
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  repositoryRoot,
  serviceEnvironment,
  ServiceProcess,
  TEST_SERVERS,
  type TestDatabase,
  TestTokens,
  uniqueTestId,
  waitFor,
} from '@cloudphone/shared/testing';
import { CRON_TEST_RUNS_TABLE } from './fixtures/cron-test-app/cron-test-runs.table';

// CRON_SCHEDULE_OVERRIDES on real processes: the cron test app (e2e/fixtures/cron-test-app, whose
// tick-counter job writes a row per run) and user-service, both built by `npm run build`.
const CRON_TEST_APP = 'dist/e2e/fixtures/cron-test-app/main.js';
const USER_SERVICE = 'dist/apps/user-service/src/main.js';
const SECOND = 1000;

jest.setTimeout(90_000);

interface CronListing {
  jobs: Array<{
    name: string;
    expression: string;
    declaredExpression: string;
    override: Record<string, unknown> | null;
    disabled: boolean;
    nextFireAt: string | null;
    lastRuns: Array<{ trigger: string; outcome: string }>;
  }>;
}

const secrets = createTestSecrets();
const admin = { authorization: `Bearer ${new TestTokens(secrets).admin()}` };
const namespace = uniqueTestId('overrides');
const redisPrefix = uniqueTestId('overrides');
let database: TestDatabase;
const processes: ServiceProcess[] = [];

function environment(overrides: Record<string, string>): Record<string, string> {
  return serviceEnvironment({
    databaseUrl: database.url,
    redisKeyPrefix: `${redisPrefix}:${uniqueTestId('app')}`,
    messagingNamespace: namespace,
    secrets,
    overrides: { DOCS_ENABLED: 'false', ...overrides },
  });
}

async function start(entry: string, overrides: Record<string, string>): Promise<ServiceProcess> {
  const service = await ServiceProcess.start({ service: entry, entry, env: environment(overrides) });
  processes.push(service);
  return service;
}

/** Runs a process that is expected to refuse to start; its exit code and everything it wrote. */
function runUntilExit(
  entry: string,
  overrides: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repositoryRoot(), entry)], {
      env: environment(overrides),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function listing(service: ServiceProcess): Promise<CronListing> {
  const response = await fetch(`${service.url}/internal/cron`, { headers: admin });
  expect(response.status).toBe(200);
  return (await response.json()) as CronListing;
}

function jobNamed(cron: CronListing, name: string): CronListing['jobs'][number] {
  const job = cron.jobs.find((candidate) => candidate.name === name);
  if (!job) throw new Error(`no job ${name} in ${cron.jobs.map((candidate) => candidate.name).join(', ')}`);
  return job;
}

beforeAll(async () => {
  // Migrated (outbox and inbox exist) plus the cron test app's own table.
  database = await createTestDatabase('user-service');
  await database.query(CRON_TEST_RUNS_TABLE);
});

afterAll(async () => {
  await Promise.all(processes.map((service) => service.stop()));
  const redis = new RedisConnectionManager({
    url: TEST_SERVERS.redisUrl,
    keyPrefix: '',
    commandTimeoutMs: 2000,
    connectionName: 'cron-overrides-e2e-cleanup',
  });
  await waitFor(() => redis.isReady(), { description: 'Redis for cleanup' });
  const keys = await redis.client.keys(`${redisPrefix}:*`);
  if (keys.length > 0) await redis.client.unlink(...keys);
  await redis.close();
  const observer = await EventObserver.connect(`${namespace}.events`);
  await observer.cleanUp([]);
  await database?.drop();
});

describe('CRON_SCHEDULE_OVERRIDES', () => {
  it('runs a job on its new schedule, shows it in /internal/cron, and keeps a disabled job for manual runs', async () => {
    const service = await start(CRON_TEST_APP, {
      INSTANCE_ID: 'overridden',
      CRON_SCHEDULE_OVERRIDES: JSON.stringify({
        'tick-counter': '*/2 * * * * *',
        'events-housekeeping': { disabled: true },
      }),
    });
    const from = Math.ceil((Date.now() + SECOND) / (2 * SECOND)) * 2 * SECOND;
    const to = from + 6 * SECOND;
    await sleep(to + 1500 - Date.now());
    const rows = await database.query<{ tick: string }>(
      `SELECT scheduled_at_ms AS tick FROM cron_test_runs
       WHERE instance_id = 'overridden' AND trigger = 'schedule' AND scheduled_at_ms BETWEEN $1 AND $2`,
      [from, to],
    );
    expect(rows.map((row) => Number(row.tick)).sort((x, y) => x - y)).toEqual([
      from,
      from + 2000,
      from + 4000,
      from + 6000,
    ]);

    const cron = await listing(service);
    expect(jobNamed(cron, 'tick-counter')).toMatchObject({
      expression: '*/2 * * * * *',
      declaredExpression: '* * * * * *',
      override: { expression: '*/2 * * * * *' },
      disabled: false,
    });
    expect(jobNamed(cron, 'events-housekeeping')).toMatchObject({
      expression: '30 3 * * *',
      override: { disabled: true },
      disabled: true,
      nextFireAt: null,
      lastRuns: [],
    });

    const triggered = await fetch(`${service.url}/internal/cron/events-housekeeping/trigger`, {
      method: 'POST',
      headers: admin,
    });
    expect(triggered.status).toBe(202);
    await waitFor(
      async () =>
        jobNamed(await listing(service), 'events-housekeeping').lastRuns.some(
          (run) => run.trigger === 'manual' && run.outcome === 'success',
        ),
      { description: 'the manual events-housekeeping run' },
    );
    await service.stop();
  });

  it('makes a real service (user-service) trim its outbox and inbox every second, and disable its metrics job', async () => {
    const [oldSent, recentSent, oldInbox] = [randomUUID(), randomUUID(), randomUUID()];
    await database.query(
      `INSERT INTO outbox (event_id, event_type, aggregate_key, data, next_attempt_at, sent_at) VALUES
         ($1, 'user.created', 'user:a', '{}', now(), now() - interval '100 hours'),
         ($2, 'user.created', 'user:b', '{}', now(), now() - interval '1 hour')`,
      [oldSent, recentSent],
    );
    await database.query(
      `INSERT INTO inbox (event_id, event_type, source, handled_at)
       VALUES ($1, 'billing.overdue', 'billing-service', now() - interval '400 hours')`,
      [oldInbox],
    );
    const service = await start(USER_SERVICE, {
      CRON_SCHEDULE_OVERRIDES: JSON.stringify({
        // Its declared 30 s jitter would otherwise still delay each run.
        'events-housekeeping': { expression: '* * * * * *', jitterMs: 0 },
        'user-metrics': { disabled: true },
      }),
    });
    await waitFor(
      async () =>
        (await database.query('SELECT 1 FROM outbox WHERE event_id = $1', [oldSent])).length === 0 &&
        (await database.query('SELECT 1 FROM inbox WHERE event_id = $1', [oldInbox])).length === 0,
      { timeoutMs: 10_000, description: 'user-service to trim its outbox and inbox' },
    );
    expect(await database.query('SELECT 1 FROM outbox WHERE event_id = $1', [recentSent])).toHaveLength(1);

    const cron = await listing(service);
    expect(jobNamed(cron, 'events-housekeeping')).toMatchObject({
      expression: '* * * * * *',
      declaredExpression: '30 3 * * *',
      disabled: false,
    });
    expect(jobNamed(cron, 'events-housekeeping').lastRuns[0]).toMatchObject({ outcome: 'success' });
    expect(jobNamed(cron, 'user-metrics')).toMatchObject({ disabled: true, nextFireAt: null });
  });

  it('stops the start when an override names a job the service does not have, listing its jobs', async () => {
    const { code, output } = await runUntilExit(USER_SERVICE, {
      CRON_SCHEDULE_OVERRIDES: '{"user-metrics": "*/5 * * * *", "device-metrics": "* * * * *"}',
    });
    expect(code).toBe(1);
    expect(output).toContain('service failed to start');
    expect(output).toContain(
      'CRON_SCHEDULE_OVERRIDES names \\"device-metrics\\", which user-service has no cron job of',
    );
    const known = /its jobs are: ([\w, -]+)/.exec(output)?.[1].split(', ').sort();
    expect(known).toEqual([
      'database-pool-monitor',
      'events-housekeeping',
      'login-stats-refresh',
      'partition-manager',
      'quota-reconciliation',
      'user-metrics',
    ]);
  });

  it('stops the start on a malformed value, naming the variable and the problem', async () => {
    const { code, output } = await runUntilExit(USER_SERVICE, {
      CRON_SCHEDULE_OVERRIDES: '{"user-metrics": "every minute"}',
    });
    expect(code).toBe(1);
    const line = JSON.parse(output.trim().split('\n')[0]) as { level: string; problems: string[] };
    expect(line.level).toBe('fatal');
    expect(line.problems).toEqual([
      expect.stringContaining(
        'CRON_SCHEDULE_OVERRIDES is malformed: job "user-metrics": invalid cron expression "every minute"',
      ),
    ]);
  });
});
