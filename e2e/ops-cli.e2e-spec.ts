import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DOMAIN_EVENTS, SERVICE_CATALOG, serviceVariablePrefix } from '@cloudphone/contracts';
import { repositoryRoot, ServiceFleet, TEST_SERVERS, waitFor } from '@cloudphone/shared/testing';

// The ops CLI (`npx cloudphone`) as an operator runs it: the built bin in a child process, against
// the six built services of a fleet, with the deployment's variables in its environment.

const run = promisify(execFile);
const SERVICES = Object.values(SERVICE_CATALOG).map((service) => service.name);
const DEVICE = SERVICE_CATALOG.device.name;
// What `npx cloudphone` runs, in the repository and in the image (which copies dist/ and package.json).
const CLI = join(
  repositoryRoot(),
  (
    JSON.parse(readFileSync(join(repositoryRoot(), 'package.json'), 'utf8')) as {
      bin: { cloudphone: string };
    }
  ).bin.cloudphone,
);

describe('ops CLI against running services', () => {
  let fleet: ServiceFleet;
  let environment: Record<string, string>;

  const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
        env: environment,
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const json = async <T>(...args: string[]): Promise<T> => {
    const answer = await cli(...args, '--json');
    if (answer.code !== 0)
      throw new Error(`cloudphone ${args.join(' ')} exited ${answer.code}: ${answer.stderr}`);
    return JSON.parse(answer.stdout) as T;
  };

  beforeAll(async () => {
    fleet = await ServiceFleet.start({
      processes: Object.fromEntries(SERVICES.map((service) => [service, 1])),
      environment: { CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }) },
    });
    environment = {
      PATH: process.env.PATH ?? '',
      JWT_SECRET: fleet.secrets.jwtSecret,
      REDIS_URL: TEST_SERVERS.redisUrl,
      RABBITMQ_URL: TEST_SERVERS.rabbitmqUrl,
    };
    for (const service of SERVICES) {
      const prefix = serviceVariablePrefix(service);
      environment[`${prefix}_URL`] = fleet.url(service);
      environment[`${prefix}_DATABASE_URL`] = fleet.databases[service]!.url;
    }
  }, 240_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('lists, pauses, resumes and triggers cron jobs across the services', async () => {
    const listed = await json<Array<{ service: string; jobs: Array<{ name: string }> }>>('cron', 'ls');
    expect(listed.map((listing) => listing.service).sort()).toEqual([...SERVICES].sort());
    expect(listed.every((listing) => listing.jobs.some((job) => job.name === 'events-housekeeping'))).toBe(
      true,
    );

    const table = await cli('cron', 'ls', '--service', DEVICE);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^SERVICE\s+JOB\s+SCHEDULE\s+PAUSED/);
    expect(table.stdout).toContain('expire-allocations');

    const paused = await json<Array<{ service: string; paused: boolean }>>(
      'cron',
      'pause',
      'events-housekeeping',
    );
    expect(paused).toHaveLength(SERVICES.length);
    expect(paused.every((result) => result.paused)).toBe(true);
    const afterPause = await json<Array<{ jobs: Array<{ name: string; paused: boolean }> }>>('cron', 'ls');
    expect(
      afterPause
        .flatMap((listing) => listing.jobs)
        .filter((job) => job.name === 'events-housekeeping')
        .every((job) => job.paused),
    ).toBe(true);
    const resumed = await json<Array<{ paused: boolean }>>(
      'cron',
      'resume',
      'events-housekeeping',
      '--service',
      DEVICE,
    );
    expect(resumed).toEqual([expect.objectContaining({ service: DEVICE, paused: false })]);
    await json('cron', 'resume', 'events-housekeeping');

    const triggered = await json<Array<{ service: string; tick: string }>>(
      'cron',
      'trigger',
      'database-pool-monitor',
      '--service',
      DEVICE,
    );
    expect(triggered).toEqual([
      expect.objectContaining({ service: DEVICE, job: 'database-pool-monitor', tick: expect.any(String) }),
    ]);
    expect((await cli('cron', 'pause', 'no-such-job')).code).toBe(1);
  }, 120_000);

  it('shows and replays a dead letter of one service', async () => {
    // A valid envelope whose payload breaks its schema: device-service dead-letters it at once.
    const id = randomUUID();
    const envelope = {
      id,
      type: DOMAIN_EVENTS.billingOverdue,
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'test',
      data: { nonsense: true },
    };
    await fleet.observer.publishRaw(DOMAIN_EVENTS.billingOverdue, Buffer.from(JSON.stringify(envelope)));
    const listed = await waitFor(
      async () => {
        const pages = await json<
          Array<{ service: string; total: number; letters: Array<{ messageId: string; reason: string }> }>
        >('dlq', 'ls', '--service', DEVICE);
        return pages[0].total === 1 && pages[0];
      },
      { description: 'the dead letter in device-service', timeoutMs: 15_000 },
    );
    expect(listed.letters).toEqual([expect.objectContaining({ messageId: id, reason: 'invalid_payload' })]);

    expect((await cli('dlq', 'replay')).code).toBe(2);
    const replayed = await json<{ replayed: string[]; remaining: number }>(
      'dlq',
      'replay',
      '--service',
      DEVICE,
      '--ids',
      id,
    );
    expect(replayed).toMatchObject({ replayed: [id], remaining: 0 });
    // Still invalid, so it comes back to the dead-letter queue: replay moved it, nothing was lost.
    await waitFor(
      async () => (await json<Array<{ total: number }>>('dlq', 'ls', '--service', DEVICE))[0].total === 1,
      {
        description: 'the replayed letter to be dead-lettered again',
        timeoutMs: 15_000,
      },
    );
  }, 60_000);

  it('reports outbox, usage reports and migrations, and a doctor with nothing failing', async () => {
    expect(await json('outbox', 'stuck')).toEqual([]);
    expect(await json('usage-reports', 'ls')).toEqual([]);
    const migrations = await json<
      Array<{ service: string; exists: boolean; pending: string[]; lockHolder: unknown }>
    >('migrate', 'status');
    expect(migrations).toHaveLength(SERVICES.length);
    expect(
      migrations.every(
        (status) => status.exists && status.pending.length === 0 && status.lockHolder === null,
      ),
    ).toBe(true);

    const doctor = await cli('doctor', '--json');
    const findings = JSON.parse(doctor.stdout) as Array<{
      check: string;
      target: string;
      status: string;
      detail: string;
    }>;
    expect(findings.filter((finding) => finding.status === 'fail')).toEqual([]);
    expect(doctor.code).toBe(0);
    expect(
      findings
        .filter((finding) => finding.check === 'ready')
        .map((finding) => finding.target)
        .sort(),
    ).toEqual([...SERVICES].sort());
    expect(findings.filter((finding) => finding.check === 'clock skew')).toHaveLength(SERVICES.length);
    expect(
      findings
        .filter((finding) => finding.check === 'version')
        .every((finding) => /^0\.1\.0 \(/.test(finding.detail)),
    ).toBe(true);
  }, 120_000);

  it('refuses hostile dead-letter requests with 400 VALIDATION_FAILED and replays nothing', async () => {
    const admin = fleet.tokens.admin();
    const device = fleet.processes[DEVICE]![0];
    const bodies = [
      { messageIds: ['constructor'] },
      { messageIds: ['\u0000'] },
      { messageIds: [] },
      { limit: 1e12 },
      { limit: 0 },
      { limit: '5' },
      { messageIds: 'not-a-list' },
    ];
    for (const body of bodies) {
      const answer = await device.call('POST', 'internal/events/dead-letters/replay', admin, body);
      expect([JSON.stringify(body), answer.status, answer.body.code]).toEqual([
        JSON.stringify(body),
        400,
        'VALIDATION_FAILED',
      ]);
    }
    for (const limit of ['0', '501', '99999999999999999999', 'constructor']) {
      const answer = await device.call('GET', `internal/events/dead-letters?limit=${limit}`, admin);
      expect([limit, answer.status]).toEqual([limit, 400]);
    }
    const user = await device.call('GET', 'internal/events/dead-letters', fleet.tokens.user());
    expect(user.status).toBe(403);
    expect((await json<Array<{ total: number }>>('dlq', 'ls', '--service', DEVICE))[0].total).toBe(1);
  }, 60_000);

  it('refuses bad usage with exit 2 and says what to set', async () => {
    const unknown = await cli('cron', 'ls', '--service', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--service must be one of user-service');
    const noToken = await run(process.execPath, [CLI, 'cron', 'ls'], {
      env: { PATH: environment.PATH },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(noToken).toMatchObject({ code: 2, stderr: expect.stringContaining('CLOUDPHONE_TOKEN') });
    expect((await cli('nonsense')).code).toBe(2);
    expect((await cli('outbox', 'stuck', '--limit', '0')).code).toBe(2);
  }, 60_000);
});
