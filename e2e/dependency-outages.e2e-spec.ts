import { setTimeout as sleep } from 'node:timers/promises';
import { DEVICE_ROUTES, SERVICE_CATALOG, USER_ROUTES, type ServiceName } from '@cloudphone/contracts';
import {
  ServiceFleet,
  sumMetricSamples,
  TcpProxy,
  TEST_SERVERS,
  uniqueTestId,
  waitFor,
} from '@cloudphone/shared/testing';

// What an operator sees on a bad day, across the six built services: a Redis cut degrades every
// service without taking any out of rotation (and cron runs nothing); a cut of one service's
// Postgres answers 503 DATABASE_UNAVAILABLE with Retry-After, never a 500; a burst of quota
// refusals is routine and logs no error line.

const SERVICES = Object.values(SERVICE_CATALOG).map((service) => service.name);
const USER = SERVICE_CATALOG.user.name;
const DEVICE = SERVICE_CATALOG.device.name;
const BILLING = SERVICE_CATALOG.billing.name;
const POOL_MONITOR = 'database-pool-monitor';

interface Readiness {
  status: string;
  down?: string[];
  degraded?: string[];
  details?: { down: string[] };
}

describe('dependency outages', () => {
  let redis: TcpProxy;
  let fleet: ServiceFleet;

  const readiness = async (service: ServiceName): Promise<{ status: number; body: Readiness }> => {
    const response = await fetch(`${fleet.url(service)}/health/ready`);
    return { status: response.status, body: (await response.json()) as Readiness };
  };
  const metrics = async (service: ServiceName): Promise<string> =>
    (await fetch(`${fleet.url(service)}/metrics`)).text();
  const renter = async (devices: number): Promise<string> => {
    const admin = fleet.tokens.admin();
    const user = fleet.processes[USER]![0];
    const created = await user.call<{ id: string }>('POST', 'users', admin, {
      email: `${uniqueTestId('outage')}@example.com`,
      password: 'a-long-enough-password',
      displayName: 'Outage renter',
      tier: 'pro',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const limits = await user.call('PUT', USER_ROUTES.quotaLimits.replace(':userId', id), admin, {
      devices,
      cpuCores: 64,
      memoryMb: 262144,
      storageGb: 4096,
    });
    expect(limits.status).toBe(200);
    const topUp = await fleet.processes[BILLING]![0].call('POST', `billing/accounts/${id}/top-up`, admin, {
      amountMinor: '10000000',
      reference: uniqueTestId('top-up'),
    });
    expect(topUp.status).toBe(200);
    return fleet.tokens.user({ userId: id });
  };
  const allocate = (token: string) =>
    fleet.processes[DEVICE]![0].call<{ id: string }>('POST', DEVICE_ROUTES.allocate, token, {
      durationMinutes: 30,
      requirements: { region: 'outage-region' },
    });

  beforeAll(async () => {
    const target = new URL(TEST_SERVERS.redisUrl);
    redis = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    fleet = await ServiceFleet.start({
      processes: Object.fromEntries(SERVICES.map((service) => [service, 1])),
      environment: {
        REDIS_URL: redis.wrap(TEST_SERVERS.redisUrl).replace(/\/$/, ''),
        HEALTH_CHECK_TIMEOUT_MS: '500',
        REDIS_COMMAND_TIMEOUT_MS: '300',
        // Every job off but one that every service has, ticking each second.
        CRON_SCHEDULE_OVERRIDES: JSON.stringify({
          '*': { disabled: true },
          [POOL_MONITOR]: { expression: '* * * * * *', jitterMs: 0 },
        }),
      },
      databaseProxied: [DEVICE],
    });
    // Enough free devices that the refusal burst's claims all succeed and reach the quota check.
    const admin = fleet.tokens.admin();
    const devices = await Promise.all(
      Array.from({ length: 28 }, () =>
        fleet.processes[DEVICE]![0].call('POST', 'devices', admin, {
          region: 'outage-region',
          androidVersion: '13',
          cpuCores: 4,
          memoryMb: 8192,
          storageGb: 64,
        }),
      ),
    );
    expect(devices.map((device) => device.status)).toEqual(devices.map(() => 201));
  }, 240_000);

  afterAll(async () => {
    await fleet?.stop();
    await redis?.close();
  });

  it('Redis cut: every service stays ready (degraded), allocate is served, cron runs nothing', async () => {
    redis.cut();
    for (const service of SERVICES) {
      const answer = await waitFor(
        async () => {
          const ready = await readiness(service);
          return ready.body.degraded?.includes('redis') && ready;
        },
        { description: `${service} to report redis degraded`, timeoutMs: 10_000 },
      );
      expect(answer).toMatchObject({ status: 200, body: { status: 'degraded', down: [] } });
      const text = await metrics(service);
      expect(
        sumMetricSamples(text, 'cloudphone_dependency_up', { dependency: 'redis', required: 'false' }),
      ).toBe(0);
      expect(
        sumMetricSamples(text, 'cloudphone_dependency_up', { dependency: 'postgres', required: 'true' }),
      ).toBe(1);
    }

    const allocated = await allocate(await renter(2));
    expect(allocated.status).toBe(201);

    // Ticks keep coming each second; every one is skipped, none runs.
    const runsOf = async (service: ServiceName) =>
      sumMetricSamples(await metrics(service), 'cloudphone_cron_runs_total');
    const runsBefore = await Promise.all(SERVICES.map(runsOf));
    const skipped = (text: string) =>
      text
        .split('\n')
        .filter(
          (line) => line.startsWith('cloudphone_cron_skips_total{') && line.includes('"backend_unavailable"'),
        )
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    for (const service of SERVICES) {
      await waitFor(async () => skipped(await metrics(service)) >= 2, {
        description: `${service} to skip ticks without Redis`,
        timeoutMs: 10_000,
      });
    }
    expect(await Promise.all(SERVICES.map(runsOf))).toEqual(runsBefore);

    redis.restore();
    for (const service of SERVICES) {
      await waitFor(async () => (await readiness(service)).body.status === 'up', {
        description: `${service} to be up again`,
        timeoutMs: 15_000,
      });
    }
  }, 120_000);

  it("a cut of device-service's Postgres answers 503 DATABASE_UNAVAILABLE with Retry-After, never 500", async () => {
    const token = await renter(2);
    const database = fleet.databaseProxy(DEVICE);
    // Renters keep allocating and releasing across the cut and the recovery: whatever the moment
    // the connections drop (idle, mid-statement, mid-transaction), no answer is a 500.
    const statuses = new Map<string, number>();
    let trafficRunning = true;
    const traffic = Promise.all(
      [await renter(1), await renter(1)].map(async (renterToken) => {
        while (trafficRunning) {
          const allocated = await allocate(renterToken);
          const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
          count(`allocate ${allocated.status} ${allocated.body.code ?? ''}`.trim());
          if (allocated.status !== 201) continue;
          const released = await fleet.processes[DEVICE]![0].call(
            'POST',
            DEVICE_ROUTES.release,
            renterToken,
            {
              allocationId: allocated.body.id,
            },
          );
          count(`release ${released.status} ${released.body?.code ?? ''}`.trim());
        }
      }),
    );
    await sleep(500);
    database.cut();
    try {
      const ready = await waitFor(
        async () => {
          const answer = await readiness(DEVICE);
          return answer.status === 503 && answer;
        },
        { description: 'device-service to be not ready', timeoutMs: 10_000 },
      );
      expect(ready.body.details?.down).toEqual(['postgres']);

      const answers = await Promise.all([
        ...Array.from({ length: 10 }, () => allocate(token)),
        fleet.processes[DEVICE]![0].call('GET', DEVICE_ROUTES.allocations, token),
      ]);
      expect(answers.map((answer) => [answer.status, answer.body.code])).toEqual(
        answers.map(() => [503, 'DATABASE_UNAVAILABLE']),
      );
      const raw = await fetch(`${fleet.url(DEVICE)}/${DEVICE_ROUTES.allocations}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(raw.headers.get('retry-after')).toBe('2');

      // A mute database (the pool waits for a connection that never comes): 503 once the pool gives up.
      database.blackhole();
      const mute = await fleet.processes[DEVICE]![0].call('GET', DEVICE_ROUTES.allocations, token);
      expect([mute.status, mute.body.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
    } finally {
      database.restore();
    }
    await waitFor(async () => (await readiness(DEVICE)).status === 200, {
      description: 'device-service to be ready again',
      timeoutMs: 15_000,
    });
    await sleep(500);
    trafficRunning = false;
    await traffic;
    // QUOTA_EXCEEDED is right too: an allocation whose release (or failed claim's restore) met the
    // cut keeps its quota until the release is repeated or the recovery job restores it.
    const answered = [...statuses.keys()];
    expect(
      answered.filter(
        (key) =>
          !/^(allocate 201|allocate 403 QUOTA_EXCEEDED|release 200|\w+ 503 DATABASE_UNAVAILABLE)$/.test(key),
      ),
    ).toEqual([]);
    expect(answered).toEqual(expect.arrayContaining(['allocate 201', 'allocate 503 DATABASE_UNAVAILABLE']));
    expect((await allocate(token)).status).toBe(201);
    expect([
      ...new Set(
        fleet.processes[DEVICE]![0].logsAtLevel('error', 'fatal').map(
          (line) => `${String(line.context)}: ${String(line.msg)}`,
        ),
      ),
    ]).toEqual([]);
  }, 120_000);

  it('a burst of quota refusals logs no error line', async () => {
    const token = await renter(1);
    expect((await allocate(token)).status).toBe(201);
    const logged = Object.fromEntries(
      [USER, DEVICE, BILLING].map((service) => [service, fleet.processes[service]![0].logs.length]),
    );
    // Five at a time: a burst, within what the quota call's timeout allows on a busy 2-core CI box.
    const refusals = [];
    for (let wave = 0; wave < 4; wave++) {
      refusals.push(...(await Promise.all(Array.from({ length: 5 }, () => allocate(token)))));
    }
    expect(
      refusals.map((answer) => [
        answer.status,
        answer.body.code,
        answer.body.code === 'QUOTA_EXCEEDED' ? '' : JSON.stringify(answer.body),
      ]),
    ).toEqual(refusals.map(() => [403, 'QUOTA_EXCEEDED', '']));
    for (const service of [USER, DEVICE, BILLING]) {
      const lines = fleet.processes[service]![0].logs.slice(logged[service]);
      expect(lines.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
    }
  }, 60_000);
});
