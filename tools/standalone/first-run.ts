import {
  BILLING_ROUTES,
  DEVICE_ROUTES,
  PROXY_ROUTES,
  SMS_RECEIVE_ROUTES,
  SERVICE_CATALOG,
  type ServiceName,
  USER_ROUTES,
} from '@cloudphone/contracts';
import { seedDevicePool } from '../seed/device-pool.seed';
import type { StandaloneSecrets } from './standalone-home';

const DEMO_POOL_SIZE = 20;
const DEMO_POOL_SEED = 7;
// 100.00 in minor units, credited once: the reference makes the top-up idempotent across restarts.
const DEMO_BALANCE_MINOR = '10000';
const DEMO_TOP_UP_REFERENCE = 'standalone-demo-welcome';
const ACCOUNT_WAIT_MS = 15_000;
// The simulated proxy vendor's pool (PROXY_SIMULATED_POOL_SIZE), imported under this provider.
const DEMO_PROXY_PROVIDER = 'simulated';

/** What the first run added. */
export interface DemoSeeded {
  devices: number;
  proxies: number;
}

/**
 * What a newcomer needs to try the platform at once, made idempotently (a first run interrupted
 * half-way is completed by the next): a small simulated device pool, and a demo user with a
 * balance, and the simulated vendor's proxies. Answers what it added. The admin itself is created by
 * user-service from ADMIN_EMAIL/ADMIN_PASSWORD.
 */
export async function prepareDemo(
  urls: Record<ServiceName, string>,
  deviceDatabaseUrl: string,
  secrets: StandaloneSecrets,
): Promise<DemoSeeded> {
  const pool = await seedDevicePool(deviceDatabaseUrl, { count: DEMO_POOL_SIZE, seed: DEMO_POOL_SEED });
  const userService = urls[SERVICE_CATALOG.user.name];
  const admin = await login(userService, secrets.adminEmail, secrets.adminPassword);
  const created = await call(`${userService}/${USER_ROUTES.users}`, admin, {
    email: secrets.demoEmail,
    password: secrets.demoPassword,
    displayName: 'Demo renter',
  });
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`creating the demo user answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  const demo = await login(userService, secrets.demoEmail, secrets.demoPassword);
  const me = await call(`${userService}/${USER_ROUTES.me}`, demo);
  const demoUserId = String(me.body.id);
  const topUpUrl = `${urls[SERVICE_CATALOG.billing.name]}/${BILLING_ROUTES.accountTopUp.replace(':userId', demoUserId)}`;
  // billing-service opens the account when user.created reaches it, a moment after the user exists.
  const deadline = Date.now() + ACCOUNT_WAIT_MS;
  for (;;) {
    const topUp = await call(topUpUrl, admin, {
      amountMinor: DEMO_BALANCE_MINOR,
      reference: DEMO_TOP_UP_REFERENCE,
    });
    if (topUp.status === 200) break;
    if (topUp.status !== 404 || Date.now() > deadline) {
      throw new Error(`topping up the demo user answered ${topUp.status}: ${JSON.stringify(topUp.body)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await addSimulatedSmsProvider(urls[SERVICE_CATALOG.smsReceive.name], admin);
  return {
    devices: pool.added,
    proxies: await importSimulatedProxies(urls[SERVICE_CATALOG.proxy.name], admin),
  };
}

/** Adds the simulated SMS provider (numbers on demand, codes within a minute); kept if it exists. */
async function addSimulatedSmsProvider(smsService: string, admin: string): Promise<void> {
  const created = await call(`${smsService}/${SMS_RECEIVE_ROUTES.providers}`, admin, {
    name: 'simulated',
    kind: 'simulated',
  });
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(
      `adding the simulated SMS provider answered ${created.status}: ${JSON.stringify(created.body)}`,
    );
  }
}

/** Adds the simulated proxy provider (or finds it) and imports its pool; answers the proxies new to it. */
async function importSimulatedProxies(proxyService: string, admin: string): Promise<number> {
  const created = await call(`${proxyService}/${PROXY_ROUTES.providers}`, admin, {
    name: DEMO_PROXY_PROVIDER,
    kind: 'simulated',
    defaultCostPerHourMicros: 1_000_000,
    defaultCostPerGbMicros: 300_000_000,
  });
  let providerId = created.body.id;
  if (created.status === 409) {
    const listed = await fetch(`${proxyService}/${PROXY_ROUTES.providers}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const providers = (await listed.json()) as Array<{ id: string; name: string }>;
    providerId = providers.find((provider) => provider.name === DEMO_PROXY_PROVIDER)?.id;
  } else if (created.status !== 201) {
    throw new Error(
      `adding the simulated proxy provider answered ${created.status}: ${JSON.stringify(created.body)}`,
    );
  }
  const imported = await call(
    `${proxyService}/${PROXY_ROUTES.providerImport.replace(':id', String(providerId))}`,
    admin,
    {},
  );
  if (imported.status !== 200) {
    throw new Error(
      `importing the simulated proxies answered ${imported.status}: ${JSON.stringify(imported.body)}`,
    );
  }
  return Number(imported.body.imported);
}

/** Two commands to paste: log in as the demo user, then allocate a device for 30 minutes. */
export function allocateExample(urls: Record<ServiceName, string>, secrets: StandaloneSecrets): string {
  const login = JSON.stringify({ email: secrets.demoEmail, password: secrets.demoPassword });
  return [
    `TOKEN=$(curl -s -X POST ${urls[SERVICE_CATALOG.user.name]}/${USER_ROUTES.login} \\`,
    `  -H 'content-type: application/json' -d '${login}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')`,
    `curl -s -X POST ${urls[SERVICE_CATALOG.device.name]}/${DEVICE_ROUTES.allocate} \\`,
    `  -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"durationMinutes":30}'`,
  ].join('\n');
}

async function login(userService: string, email: string, password: string): Promise<string> {
  const answer = await call(`${userService}/${USER_ROUTES.login}`, null, { email, password });
  if (answer.status !== 200) throw new Error(`login as ${email} answered ${answer.status}`);
  return String(answer.body.accessToken);
}

async function call(
  url: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
