import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_CATALOG, type ServiceName } from '@cloudphone/contracts';
import { deleteRedisKeys, ServiceFleet, TEST_SERVERS } from '@cloudphone/shared/testing';
import Redis from 'ioredis';
import fc from 'fast-check';
import { caseArbitrary, corpusCases } from './support/fuzz/fuzz-cases';
import { type Caller, closeConnections, type FuzzCase } from './support/fuzz/fuzz-request';
import { type FuzzFailure, FuzzRunner } from './support/fuzz/fuzz-runner';
import { type FuzzRoute, loadRoutes } from './support/fuzz/openapi-routes';
import type { SeededIds } from './support/fuzz/schema-values';
import { differences, StateSnapshots } from './support/fuzz/state-snapshot';
import { describeReportedRequests } from './support/fuzz/reported-requests';
import { seedFleet } from './support/fuzz/seed-fleet';

// Issue 9: every route of every service's OpenAPI document, fed hostile path parameters, query
// strings, headers and bodies (a fixed corpus, then fast-check cases from a fixed seed). Oracles:
// never a 5xx, every refusal the JSON error shape with a stable code, and a refused request
// changes no table and no Redis key. FUZZ_RUNS (generated cases per route) and FUZZ_SEED make a
// longer or different run: `FUZZ_RUNS=500 npm run test:fuzz`.
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const SERVICES = Object.values(SERVICE_CATALOG).map((entry) => entry.name as ServiceName);
const DEVICE = SERVICE_CATALOG.device.name;

describe('hostile input on every route of every service', () => {
  let fleet: ServiceFleet;
  let snapshots: StateSnapshots;
  let runner: FuzzRunner;
  let seeded: SeededIds;
  let token: (caller: Caller) => string | undefined;
  const routes = new Map<string, FuzzRoute[]>();
  const generated = new Map<string, number>();

  beforeAll(async () => {
    fleet = await ServiceFleet.start({
      processes: Object.fromEntries(SERVICES.map((service) => [service, 1])),
      environment: {
        RATE_LIMIT_WRITE_POINTS: '0',
        // No job may write while the oracle compares the state before and after a request.
        CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }),
      },
      // Only the shared tier, so the cache isolation test can empty the cache between requests.
      serviceEnvironment: { [DEVICE]: { CACHE_LOCAL_MAX_ENTRIES: '0' } },
    });
    const urls = Object.fromEntries(SERVICES.map((service) => [service, fleet.url(service)]));
    seeded = await seedFleet(fleet);
    for (const service of SERVICES) routes.set(service, await loadRoutes(service, urls[service]));
    snapshots = await StateSnapshots.open(
      Object.fromEntries(SERVICES.map((service) => [service, fleet.databases[service]!.url])),
      `${fleet.namespace}-`,
    );
    // One signer for the run: `fleet.tokens` builds a new one, key cache and all, on every read.
    const tokens = fleet.tokens;
    token = (caller: Caller): string | undefined =>
      caller === 'admin'
        ? tokens.admin()
        : caller === 'user'
          ? tokens.user({ userId: seeded.userId })
          : caller === 'service'
            ? tokens.service()
            : undefined;
    runner = new FuzzRunner(urls, snapshots, token);
  }, 240_000);

  afterAll(async () => {
    closeConnections();
    await snapshots?.close();
    await fleet?.stop();
    const total = [...routes.values()].reduce((sum, list) => sum + list.length, 0);
    const statuses = [...(runner?.statuses ?? new Map<number, number>())]
      .sort(([left], [right]) => left - right)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    process.stdout.write(
      `fuzz: ${total} routes in ${routes.size} services, ${runner?.casesRun ?? 0} cases ` +
        `(${[...generated.values()].reduce((sum, count) => sum + count, 0)} generated, FUZZ_RUNS=${RUNS}, ` +
        `FUZZ_SEED=${SEED}); statuses ${statuses}; refusals sent again after a late ` +
        `write: ${runner?.lateWrites ?? 0}\n`,
    );
  }, 60_000);

  describeReportedRequests(() => ({ fleet, snapshots, seeded, token }));

  // The oracle skips the table digests while the server's WAL position stands still: a write made
  // behind its back, however small, must still show as a difference.
  it('the state oracle sees any write, in any database', async () => {
    for (const service of [DEVICE, SERVICE_CATALOG.notification.name]) {
      const database = fleet.databases[service]!;
      const before = await snapshots.take();
      expect(differences(before, await snapshots.take())).toEqual([]);
      await database.query(
        `INSERT INTO inbox (event_id, event_type, source) VALUES (gen_random_uuid(), 'oracle.probe', 'test')`,
      );
      expect(differences(before, await snapshots.take())).toEqual([
        expect.stringContaining(`${service} table inbox changed`),
      ]);
      await database.query(`DELETE FROM inbox WHERE event_type = 'oracle.probe'`);
      expect(differences(before, await snapshots.take())).toEqual([]);
    }
  });

  /**
   * A stand-in for device-service that answers every request 400 after `write`: writing on every
   * request must fail the case as a write sent twice (`problem`), and writing on the first request
   * only must pass it as one late write.
   */
  async function expectOnlyRepeatedWritesToFail(write: () => Promise<void>, problem: string): Promise<void> {
    let writesLeft = Number.POSITIVE_INFINITY;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', async () => {
        if (writesLeft-- > 0) await write();
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'VALIDATION_FAILED', message: 'no', requestId: 'r' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const local = new FuzzRunner({ [DEVICE]: `http://127.0.0.1:${port}` }, snapshots, () => undefined);
      const route: FuzzRoute = { service: DEVICE, method: 'POST', path: '/oracle-probe', parameters: [] };
      const probeCase: FuzzCase = {
        route,
        label: 'oracle',
        caller: 'none',
        pathValues: {},
        query: [],
        headers: {},
      };
      expect((await local.run(probeCase))?.problem).toContain(problem);
      writesLeft = 1;
      expect(await local.run(probeCase)).toBeNull();
      expect(local.lateWrites).toBe(1);
    } finally {
      server.close();
    }
  }

  it('fails a refusal that writes another service’s table however often it is sent, and only that', async () => {
    // The stand-in writes notification-service's inbox before it answers: on every request (a
    // refusal that reaches another service), or on the first only (an earlier request's event
    // consumed just then).
    const notifications = fleet.databases[SERVICE_CATALOG.notification.name]!;
    try {
      await expectOnlyRepeatedWritesToFail(async () => {
        await notifications.query(
          `INSERT INTO inbox (event_id, event_type, source) VALUES (gen_random_uuid(), 'oracle.probe', 'test')`,
        );
      }, 'yet wrote (sent twice): notification-service table inbox');
    } finally {
      await notifications.query(`DELETE FROM inbox WHERE event_type = 'oracle.probe'`);
    }
  });

  it('sends a refusal again when its own outbox only had a row marked, and fails one that marks it every time', async () => {
    // A sent row of device-service's outbox that the stand-in marks (its attempts) before it
    // answers, as the relay marks an earlier request's event: the row count stays.
    const devices = fleet.databases[DEVICE]!;
    const [probe] = await devices.query<{ id: string }>(
      `INSERT INTO outbox (event_id, event_type, aggregate_key, data, sent_at)
       VALUES (gen_random_uuid(), 'oracle.probe', 'oracle', '{}', now()) RETURNING id::text`,
    );
    try {
      await expectOnlyRepeatedWritesToFail(async () => {
        await devices.query(`UPDATE outbox SET attempts = attempts + 1 WHERE id = $1`, [probe.id]);
      }, 'yet wrote (sent twice): device-service table outbox changed (rows');
    } finally {
      await devices.query(`DELETE FROM outbox WHERE id = $1`, [probe.id]);
    }
  });

  it.each(SERVICES)(
    '%s: no 5xx, JSON errors with a code, nothing written on a refusal',
    async (service) => {
      const failures: FuzzFailure[] = [];
      const serviceRoutes = routes.get(service) ?? [];
      expect(serviceRoutes.length).toBeGreaterThan(0);
      for (const route of serviceRoutes) {
        for (const fuzzCase of corpusCases(route, seeded)) {
          const failure = await runner.run(fuzzCase);
          if (failure) failures.push(failure);
        }
        // The failure of each generated case, so the shrunk counterexample's own can be reported.
        const seen = new WeakMap<object, FuzzFailure>();
        let runs = 0;
        const result = await fc.check(
          fc.asyncProperty(caseArbitrary(route, seeded), async (fuzzCase) => {
            runs++;
            const failure = await runner.run(fuzzCase);
            if (failure) seen.set(fuzzCase, failure);
            return failure === null;
          }),
          { seed: SEED, numRuns: RUNS },
        );
        generated.set(`${service} ${route.method} ${route.path}`, runs);
        if (result.failed && result.counterexample) {
          const [shrunk] = result.counterexample;
          const failure = seen.get(shrunk) ?? (await runner.run(shrunk));
          failures.push(
            failure
              ? { ...failure, label: `${failure.label}, shrunk after ${result.numShrinks} steps` }
              : {
                  route: `${service} ${route.method} ${route.path}`,
                  label: 'generated',
                  problem: String(result.errorInstance),
                  curl: '',
                },
          );
        }
      }
      expect(
        failures.map(
          (failure) => `${failure.route} [${failure.label}] ${failure.problem}\n    ${failure.curl}`,
        ),
      ).toEqual([]);
    },
    600_000,
  );

  // Issue 9, defect 7: the one cached route. Each pair is asked with the cache emptied first (the
  // true answer), then after the other user's query filled it: the answers must be the same.
  it("GET /scheduler/devices/available: no query of one user answers another user's from the cache", async () => {
    const coolCache = () => deleteRedisKeys(`${fleet.namespace}-${DEVICE}:cache:`);
    const cachedKeys = () => countRedisKeys(`${fleet.namespace}-${DEVICE}:cache:`);
    const honest = fleet.tokens.user({ userId: seeded.userId });
    const crafty = fleet.tokens.user();
    const ask = async (token: string, query: Array<[string, string]>) => {
      const answer = await fetch(
        `${fleet.url(DEVICE)}/scheduler/devices/available?${new URLSearchParams(query)}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      const { requestId: _differsPerRequest, ...body } = (await answer.json()) as Record<string, unknown>;
      return { status: answer.status, body };
    };
    const isolated = async (first: Array<[string, string]>, second: Array<[string, string]>) => {
      await coolCache();
      const truth = await ask(honest, second);
      await coolCache();
      const primed = await ask(crafty, first);
      if (primed.status === 200) expect(await cachedKeys()).toBeGreaterThan(0);
      expect(await ask(honest, second)).toEqual(truth);
    };

    // The request from the issue: a value carrying `:region=` must not answer the honest query.
    const crafted: Array<[string, string]> = [
      ['androidVersion', '12:region=cn-hangzhou'],
      ['limit', '19'],
    ];
    const real: Array<[string, string]> = [
      ['androidVersion', '12'],
      ['region', 'cn-hangzhou'],
      ['limit', '19'],
    ];
    await isolated(crafted, real);
    expect(((await ask(honest, real)).body as { total: number }).total).toBeGreaterThan(0);

    const piece = fc.constantFrom(
      'eu-west-1',
      'cn-hangzhou',
      'us-east-1',
      '12',
      '13',
      '4',
      ':',
      '=',
      '%',
      ',',
      '&',
      'region',
    );
    const value = fc.array(piece, { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join(''));
    const name = fc.constantFrom('region', 'androidVersion', 'minCpuCores', 'limit', 'sort', 'page');
    const query = fc.array(fc.tuple(name, value), { maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(query, query, async (first, second) => {
        await isolated(first, second);
        await isolated(second, first);
      }),
      { seed: SEED, numRuns: Math.max(RUNS * 2, 20) },
    );
  }, 300_000);
});

async function countRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(TEST_SERVERS.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      count += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return count;
  } finally {
    redis.disconnect();
  }
}
