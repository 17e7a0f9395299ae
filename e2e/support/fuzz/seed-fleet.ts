import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { type ServiceFleet, uniqueTestId, waitFor } from '@cloudphone/shared/testing';
import type { SeededIds } from './schema-values';

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

/** One JSON call with a bearer token. */
export async function callJson<T>(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<JsonAnswer<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** Devices in three regions and versions, so filters and cached answers differ between queries. */
export const SEEDED_DEVICES = [
  { region: 'eu-west-1', androidVersion: '13', cpuCores: 4, memoryMb: 8192, storageGb: 64 },
  { region: 'cn-hangzhou', androidVersion: '12', cpuCores: 8, memoryMb: 16384, storageGb: 128 },
  { region: 'us-east-1', androidVersion: '14', cpuCores: 2, memoryMb: 4096, storageGb: 32 },
  { region: 'eu-west-1', androidVersion: '12', cpuCores: 8, memoryMb: 8192, storageGb: 64 },
];

/**
 * A user with a balance, a few devices, one of them allocated to the user, and the notification
 * that allocation produced: rows for path parameters to name, so requests reach past lookups.
 */
export async function seedFleet(fleet: ServiceFleet): Promise<SeededIds> {
  const admin = fleet.tokens.admin();
  const user = await callJson<{ id: string }>(fleet.url(SERVICE_CATALOG.user.name), 'POST', '/users', admin, {
    email: `${uniqueTestId('fuzz')}@example.com`,
    password: 'a-long-enough-password',
    displayName: 'Fuzz Renter',
    tier: 'pro',
  });
  expectStatus('create user', user.status, 201);
  const userId = user.body.id;
  const topUp = await callJson(
    fleet.url(SERVICE_CATALOG.billing.name),
    'POST',
    `/billing/accounts/${userId}/top-up`,
    admin,
    {
      amountMinor: '100000',
      reference: uniqueTestId('ref'),
    },
  );
  expectStatus('top up', topUp.status, 200);
  const devices: string[] = [];
  for (const device of SEEDED_DEVICES) {
    const created = await callJson<{ id: string }>(
      fleet.url(SERVICE_CATALOG.device.name),
      'POST',
      '/devices',
      admin,
      device,
    );
    expectStatus('create device', created.status, 201);
    devices.push(created.body.id);
  }
  const allocation = await callJson<{ id: string; deviceId: string }>(
    fleet.url(SERVICE_CATALOG.device.name),
    'POST',
    '/scheduler/devices/allocate',
    fleet.tokens.user({ userId }),
    { durationMinutes: 60, requirements: { region: 'us-east-1' } },
  );
  expectStatus('allocate', allocation.status, 201);
  const notificationId = await waitFor(
    async () => {
      const page = await callJson<{ items: Array<{ id: string }> }>(
        fleet.url(SERVICE_CATALOG.notification.name),
        'GET',
        `/notifications?userId=${userId}`,
        admin,
      );
      return page.body.items?.[0]?.id;
    },
    { timeoutMs: 30_000, description: 'the allocation notification' },
  );
  return {
    userId,
    deviceId: devices[0],
    allocationId: allocation.body.id,
    notificationId,
    cronJob: 'events-housekeeping',
  };
}

function expectStatus(step: string, actual: number, expected: number): void {
  if (actual !== expected)
    throw new Error(`seeding the fuzz fleet: ${step} answered ${actual}, expected ${expected}`);
}
