// What an API key costs against a JWT on the same route (`npm run bench:apikey`). One user-service
// and two billing-service processes on this machine: one billing process caches introspection
// answers (API_KEY_CACHE_TTL_MS 30 s, the default), the other asks user-service on every request
// (TTL 0). Each of `GET /billing/accounts/:userId` with the user's JWT (the peer: local HMAC check),
// with the key on the caching process, and with the key on the uncached one is driven by
// BENCH_CONCURRENCY (16) loops for BENCH_DURATION_MS (5000) after a warm-up.
// ratio = cached-key requests/s ÷ JWT requests/s. Touches only 127.0.0.1 and removes what it made.
import 'reflect-metadata';
import { Agent } from 'undici';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { ServiceFleet, ServiceProcess, uniqueTestId } from '@cloudphone/shared/testing';
import { measureLatency, measureThroughput } from './bench-support';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const USER = SERVICE_CATALOG.user.name;
const BILLING = SERVICE_CATALOG.billing.name;
const agent = new Agent({ connections: CONCURRENCY * 2 });

async function call(url: string, token: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    dispatcher: agent,
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const fleet = await ServiceFleet.start({
    processes: { [USER]: 1, [BILLING]: 1 },
    environment: {
      CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }),
      RATE_LIMIT_WRITE_POINTS: '0',
    },
  });
  // A second billing process on the same database and callees, with the cache off.
  let uncachedProcess: ServiceProcess | undefined;
  try {
    uncachedProcess = await ServiceProcess.start({
      service: BILLING,
      env: { ...fleet.environmentFor(BILLING), API_KEY_CACHE_TTL_MS: '0' },
    });
    const uncached = uncachedProcess.url;
    const userId = (
      await call(`${fleet.url(USER)}/users`, fleet.tokens.admin(), {
        method: 'POST',
        body: {
          email: `${uniqueTestId('bench')}@example.com`,
          password: 'a-bench-password',
          displayName: 'Bench',
        },
      })
    ).id as string;
    const jwt = fleet.tokens.user({ userId });
    const { key } = (await call(`${fleet.url(USER)}/auth/api-keys`, jwt, {
      method: 'POST',
      body: { name: 'bench', scopes: ['billing:read'] },
    })) as { key: string };
    const account = (base: string) => `${base}/billing/accounts/${userId}`;
    const runs = [
      { name: 'JWT (peer)', url: account(fleet.url(BILLING)), token: jwt },
      { name: 'key, cached', url: account(fleet.url(BILLING)), token: key },
      { name: 'key, uncached', url: account(uncached), token: key },
    ];
    console.log(
      `GET /billing/accounts/:userId, concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s each; ` +
        'user-service + 2 billing-service processes over HTTP on this machine',
    );
    const perSecond: number[] = [];
    for (const run of runs) {
      await measureThroughput(() => call(run.url, run.token), CONCURRENCY, 1000);
      const throughput = await measureThroughput(() => call(run.url, run.token), CONCURRENCY, DURATION_MS);
      const latency = await measureLatency(() => call(run.url, run.token), 500);
      perSecond.push(throughput);
      console.log(
        `  ${run.name.padEnd(14)} ${throughput.toFixed(0).padStart(6)} requests/s` +
          `  c=1 p50 ${(latency.p50 / 1000).toFixed(2)} ms  p99 ${(latency.p99 / 1000).toFixed(2)} ms`,
      );
    }
    console.log(
      `ratio ${(perSecond[1] / perSecond[0]).toFixed(3)} (cached key ÷ JWT; target >= 0.9)` +
        `  uncached key ÷ JWT ${(perSecond[2] / perSecond[0]).toFixed(3)}`,
    );
  } finally {
    await uncachedProcess?.stop('SIGKILL');
    await fleet.stop();
    await agent.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
