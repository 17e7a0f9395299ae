import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { ServiceFleet, uniqueTestId, waitFor } from '@cloudphone/shared/testing';

// The path a new renter takes, across built processes: sign up, verify the emailed token, log in
// by username, create an API key, and allocate a device with the key (a CI farm's way in), with the
// key's scopes enforced by device-service through user-service's introspection.

const USER = SERVICE_CATALOG.user.name;
const DEVICE = SERVICE_CATALOG.device.name;
const BILLING = SERVICE_CATALOG.billing.name;

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T & { code?: string };
}

describe('sign-up → verify → login → API key → allocate', () => {
  let fleet: ServiceFleet;

  const call = async <T = Record<string, unknown>>(
    service: typeof USER | typeof DEVICE | typeof BILLING,
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<Answer<T>> => {
    const response = await fetch(`${fleet.url(service)}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(options.token && { authorization: `Bearer ${options.token}` }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Answer<T>['body'] };
  };

  beforeAll(async () => {
    fleet = await ServiceFleet.start({
      processes: { [USER]: 1, [BILLING]: 1, [DEVICE]: 1 },
      environment: { CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }) },
      observe: ['user.#'],
    });
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('lets a renter who signed up allocate with a scoped API key, and refuses a key without the scope', async () => {
    const username = uniqueTestId('renter')
      .replace(/[^A-Za-z0-9_.-]/g, '')
      .slice(0, 30);
    const email = `${username}@example.com`;
    const password = 'a-renter-password';

    const registered = await call<{ id: string; status: string }>(USER, 'POST', '/auth/register', {
      body: { email, username, password, displayName: 'New Renter' },
    });
    expect(registered).toMatchObject({ status: 201, body: { status: 'pending' } });
    const userId = registered.body.id;

    const token = await waitFor(
      () =>
        fleet.observer.received
          .map(({ envelope }) => envelope)
          .find(
            (envelope) =>
              envelope.type === 'user.email_verification_requested' &&
              (envelope.data as { userId: string }).userId === userId,
          )?.data as { token: string } | undefined,
      { timeoutMs: 15_000, description: 'the verification email event' },
    );
    expect((await call(USER, 'POST', '/auth/verify-email', { body: { token: token.token } })).status).toBe(
      200,
    );

    const login = await call<{ accessToken: string }>(USER, 'POST', '/auth/login', {
      body: { username, password },
    });
    expect(login.status).toBe(200);
    const jwt = login.body.accessToken;

    const admin = fleet.tokens.admin();
    const topUp = await call(BILLING, 'POST', `/billing/accounts/${userId}/top-up`, {
      token: admin,
      body: { amountMinor: '100000', reference: uniqueTestId('ref') },
    });
    expect(topUp.status).toBe(200);
    const device = await call(DEVICE, 'POST', '/devices', {
      token: admin,
      body: { region: 'eu-west-1', androidVersion: '13', cpuCores: 4, memoryMb: 8192, storageGb: 64 },
    });
    expect(device.status).toBe(201);

    const farmKey = await call<{ key: string; scopes: string[] }>(USER, 'POST', '/auth/api-keys', {
      token: jwt,
      body: { name: 'ci-farm', scopes: ['scheduler:write', 'billing:read'] },
    });
    expect(farmKey).toMatchObject({ status: 201, body: { scopes: ['scheduler:write', 'billing:read'] } });
    const readOnlyKey = await call<{ key: string }>(USER, 'POST', '/auth/api-keys', {
      token: jwt,
      body: { name: 'dashboard', scopes: ['billing:read'] },
    });
    expect(readOnlyKey.status).toBe(201);

    const allocate = (key: string) =>
      call<{ id: string; userId: string }>(DEVICE, 'POST', '/scheduler/devices/allocate', {
        token: key,
        body: { durationMinutes: 30, requirements: { region: 'eu-west-1' } },
      });
    const refused = await allocate(readOnlyKey.body.key);
    expect(refused).toMatchObject({ status: 403, body: { code: 'API_KEY_SCOPE' } });

    const allocated = await allocate(farmKey.body.key);
    expect(allocated).toMatchObject({ status: 201, body: { userId } });

    const quota = await call<{ usage: { devices: number } }>(USER, 'GET', `/quotas/${userId}`, {
      token: jwt,
    });
    expect(quota.body.usage.devices).toBe(1);
    const keys = await call<{ items: Array<{ name: string; lastUsedAt: string | null }> }>(
      USER,
      'GET',
      '/auth/api-keys',
      { token: jwt },
    );
    const farm = (
      keys.body.items ?? (keys.body as unknown as Array<{ name: string; lastUsedAt: string | null }>)
    ).find((key) => key.name === 'ci-farm');
    expect(farm?.lastUsedAt).not.toBeNull();
  }, 120_000);
});
