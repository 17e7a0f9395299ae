import { randomUUID } from 'node:crypto';
import { PROXY_ROUTES, SERVICE_CATALOG } from '@cloudphone/contracts';
import { ServiceFleet } from '@cloudphone/shared/testing';

// Issue 15: proxies are never rented twice, by construction. Two proxy-service processes on one
// database take 100 concurrent acquires for 20 proxies: exactly 20 win. Then a burst with one
// process killed (SIGKILL) in the middle: whatever committed is consistent, nothing is half-rented.

const PROXY = SERVICE_CATALOG.proxy.name;
const POOL = 20;
const REQUESTS = 100;

interface Answer {
  status: number;
  body: { code?: string; proxyId?: string; id?: string };
}

describe('proxy acquire race across two processes', () => {
  let fleet: ServiceFleet;

  beforeAll(async () => {
    fleet = await ServiceFleet.start({
      processes: { [PROXY]: 2 },
      observe: ['proxy.#'],
      environment: { CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }) },
    });
    const admin = { Authorization: `Bearer ${fleet.tokens.admin()}`, 'Content-Type': 'application/json' };
    const post = (index: number, path: string, body: object) =>
      fetch(`${fleet.url(PROXY, index)}/${path}`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify(body),
      });
    expect((await post(0, PROXY_ROUTES.providers, { name: 'race', kind: 'manual' })).status).toBe(201);
    for (let index = 0; index < POOL; index++) {
      const added = await post(index % 2, PROXY_ROUTES.pool, {
        provider: 'race',
        host: `198.51.100.${index + 1}`,
        port: 8080,
        protocol: 'http',
        countryCode: 'DE',
        type: 'residential',
      });
      expect(added.status).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  function acquire(index: number): Promise<Answer> {
    return fetch(`${fleet.url(PROXY, index % 2)}/${PROXY_ROUTES.acquire}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${fleet.tokens.user({ userId: randomUUID() })}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ countryCode: 'DE', stickyMinutes: 30 }),
    }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as Answer['body'],
    }));
  }

  /** Every live rental holds an assigned proxy and every assigned proxy has exactly one live rental. */
  async function inconsistencies(): Promise<unknown[]> {
    return fleet.databases[PROXY]!.query(
      `SELECT p.id, p.status, count(r.id) AS live FROM proxies p
       LEFT JOIN proxy_rentals r ON r.proxy_id = p.id AND r.ended_at IS NULL
       GROUP BY p.id, p.status
       HAVING (p.status = 'assigned') <> (count(r.id) = 1) OR count(r.id) > 1`,
    );
  }

  it('gives 20 proxies to exactly 20 of 100 concurrent renters', async () => {
    const answers = await Promise.all(Array.from({ length: REQUESTS }, (_, index) => acquire(index)));
    const won = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(won).toHaveLength(POOL);
    expect(refused).toHaveLength(REQUESTS - POOL);
    expect(new Set(refused.map((answer) => answer.body.code))).toEqual(new Set(['NO_PROXY_AVAILABLE']));
    expect(new Set(won.map((answer) => answer.body.proxyId)).size).toBe(POOL);
    const [{ live }] = await fleet.databases[PROXY]!.query<{ live: number }>(
      `SELECT count(*)::int AS live FROM proxy_rentals WHERE ended_at IS NULL`,
    );
    expect(live).toBe(POOL);
    expect(await inconsistencies()).toEqual([]);
  });

  it('stays consistent when a process is killed in the middle of a burst', async () => {
    const database = fleet.databases[PROXY]!;
    await database.query(
      `WITH r AS (UPDATE proxy_rentals SET ended_at = now(), end_reason = 'released' WHERE ended_at IS NULL
                  RETURNING proxy_id)
       UPDATE proxies SET status = 'available' WHERE id IN (SELECT proxy_id FROM r)`,
    );
    const burst = Promise.all(
      Array.from({ length: REQUESTS }, (_, index) => acquire(index).catch(() => ({ status: 0, body: {} }))),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fleet.processes[PROXY]![0].stop('SIGKILL');
    const answers = await burst;
    const won = answers.filter((answer) => answer.status === 201);
    const [{ live }] = await database.query<{ live: number }>(
      `SELECT count(*)::int AS live FROM proxy_rentals WHERE ended_at IS NULL`,
    );
    // Every answered win is a live rental; a rental the killed process committed without answering
    // is still one renter per proxy.
    expect(live).toBeGreaterThanOrEqual(won.length);
    expect(live).toBeLessThanOrEqual(POOL);
    expect(await inconsistencies()).toEqual([]);
  });
});
