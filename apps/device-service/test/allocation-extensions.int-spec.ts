import type {
  AllocationExtendedEventData,
  AllocationExtensionResponse,
  AllocationResponse,
  EventEnvelope,
  ExtendInfoResponse,
} from '@cloudphone/contracts';
import { manualCronRunContext, uniqueTestId, waitFor } from '@cloudphone/shared/testing';
import { ExpireAllocationsJob } from '../src/modules/allocations/jobs/expire-allocations.job';
import { SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const MINUTE = 60_000;

/** A region of its own per test (lower-case, as regions must be), so tests never share a device. */
const region = (label: string) => uniqueRegion(`ext-${label}`);

// Extend and extend-info (§5) against real user-service, billing-service and servers, with the
// test's clock. pro: 3 extensions of up to 240 minutes, no cooldown; free: the defaults.
describe('allocation extensions', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start({
      EXTENSION_POLICIES: JSON.stringify({ pro: { maxExtensions: 3, cooldownMinutes: 0 } }),
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  async function allocate(
    token: string,
    region: string,
    durationMinutes: number,
  ): Promise<AllocationResponse> {
    await app.addDevices(1, { region });
    const answer = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
      token,
      body: { durationMinutes, requirements: { region } },
    });
    if (answer.status !== 201)
      throw new Error(`allocate answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  function extend(
    token: string,
    allocationId: string,
    body: unknown,
    key: string | null = uniqueTestId('ext'),
  ) {
    return app.request<AllocationExtensionResponse & { code?: string; details?: Record<string, unknown> }>(
      'PUT',
      `scheduler/allocations/${allocationId}/extend`,
      { token, body, headers: key === null ? {} : { 'idempotency-key': key } },
    );
  }

  async function info(token: string, allocationId: string): Promise<ExtendInfoResponse> {
    const answer = await app.request<ExtendInfoResponse>(
      'GET',
      `scheduler/allocations/${allocationId}/extend-info`,
      {
        token,
      },
    );
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function row(allocationId: string) {
    const [found] = await app.query<{ expires_at: Date; duration_minutes: number; extension_count: number }>(
      'SELECT expires_at, duration_minutes, extension_count FROM device_allocations WHERE id = $1',
      [allocationId],
    );
    return found;
  }

  it('moves the end, records the extension, announces it, and replays a resent key', async () => {
    const user = await app.createUser({ tier: 'pro' });
    const allocation = await allocate(user.token, region('r'), 30);
    const key = uniqueTestId('key');

    const first = await extend(
      user.token,
      allocation.id,
      { additionalMinutes: 45, reason: 'run overran' },
      key,
    );
    expect(first.status).toBe(200);
    const newEnd = new Date(Date.parse(allocation.expiresAt) + 45 * MINUTE).toISOString();
    expect(first.body.extension).toMatchObject({
      allocationId: allocation.id,
      additionalMinutes: 45,
      reason: 'run overran',
      previousExpiresAt: allocation.expiresAt,
      expiresAt: newEnd,
      sequence: 1,
    });
    expect(first.body.allocation).toMatchObject({ expiresAt: newEnd, durationMinutes: 75, status: 'active' });
    expect(await row(allocation.id)).toMatchObject({ duration_minutes: 75, extension_count: 1 });

    const again = await extend(
      user.token,
      allocation.id,
      { additionalMinutes: 45, reason: 'run overran' },
      key,
    );
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.extension).toEqual(first.body.extension);
    expect(await row(allocation.id)).toMatchObject({ extension_count: 1 });

    const otherBody = await extend(user.token, allocation.id, { additionalMinutes: 10 }, key);
    expect(otherBody).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    const keyless = await extend(user.token, allocation.id, { additionalMinutes: 10 }, null);
    expect(keyless).toMatchObject({ status: 400, body: { code: 'IDEMPOTENCY_KEY_REQUIRED' } });

    const extendedEvents = () =>
      app.fleet.observer.received.filter(
        ({ envelope }) =>
          envelope.type === 'allocation.extended' &&
          (envelope.data as { allocationId: string }).allocationId === allocation.id,
      );
    await waitFor(() => extendedEvents().length > 0, { description: 'allocation.extended' });
    const events = extendedEvents();
    expect(events).toHaveLength(1);
    expect((events[0].envelope as EventEnvelope<AllocationExtendedEventData>).data).toMatchObject({
      extensionId: first.body.extension.id,
      additionalMinutes: 45,
      previousExpiresAt: allocation.expiresAt,
      expiresAt: newEnd,
      sequence: 1,
    });
  });

  it('applies the free tier policy rule by rule, and extend-info says the same', async () => {
    const user = await app.createUser({ tier: 'free' });
    const allocation = await allocate(user.token, region('f'), 60);

    // Free: one extension of at most 30 minutes, only in the last 15 minutes.
    const early = await extend(user.token, allocation.id, { additionalMinutes: 10 });
    expect(early).toMatchObject({
      status: 403,
      body: { code: 'EXTENSION_TOO_EARLY', details: { tier: 'free', rule: 'windowMinutes', limit: 15 } },
    });
    expect(early.body.details?.retryAt).toBe(
      new Date(Date.parse(allocation.expiresAt) - 15 * MINUTE).toISOString(),
    );
    expect(await info(user.token, allocation.id)).toMatchObject({
      extendable: false,
      maxAdditionalMinutes: 0,
      refusal: { code: 'EXTENSION_TOO_EARLY' },
      tier: 'free',
      policy: { maxExtensions: 1, maxMinutesPerExtension: 30 },
    });

    app.clock.advance(50 * MINUTE);
    expect(await info(user.token, allocation.id)).toMatchObject({
      extendable: true,
      maxAdditionalMinutes: 30,
    });
    const tooLong = await extend(user.token, allocation.id, { additionalMinutes: 31 });
    expect(tooLong).toMatchObject({ status: 403, body: { code: 'EXTENSION_TOO_LONG' } });
    expect((await extend(user.token, allocation.id, { additionalMinutes: 30 })).status).toBe(200);
    const second = await extend(user.token, allocation.id, { additionalMinutes: 1 });
    expect(second).toMatchObject({ status: 403, body: { code: 'EXTENSION_LIMIT_REACHED' } });
    expect(await info(user.token, allocation.id)).toMatchObject({
      extendable: false,
      refusal: { code: 'EXTENSION_LIMIT_REACHED' },
      extensionCount: 1,
      extendedMinutes: 30,
    });
    expect(await row(allocation.id)).toMatchObject({ duration_minutes: 90, extension_count: 1 });
  });

  it('bills to the second across an extension, and expires at the new end', async () => {
    const user = await app.createUser({ tier: 'pro' });
    const released = await allocate(user.token, region('b'), 10);
    expect((await extend(user.token, released.id, { additionalMinutes: 20 })).status).toBe(200);
    const expiring = await allocate(user.token, region('b'), 10);
    expect((await extend(user.token, expiring.id, { additionalMinutes: 5 })).status).toBe(200);

    app.clock.advance(14 * MINUTE + 30_500);
    await app.get(ExpireAllocationsJob).expire(manualCronRunContext());
    expect(
      (await app.query('SELECT status FROM device_allocations WHERE id = $1', [expiring.id]))[0],
    ).toEqual({
      status: 'active',
    });
    const release = await app.request<AllocationResponse>('POST', 'scheduler/devices/release', {
      token: user.token,
      body: { allocationId: released.id },
    });
    expect(release.body).toMatchObject({ status: 'released', billedSeconds: 14 * 60 + 31 });

    app.clock.advance(30_000);
    await app.get(ExpireAllocationsJob).expire(manualCronRunContext());
    const [expired] = await app.query<{ status: string; billed_seconds: number }>(
      'SELECT status, billed_seconds FROM device_allocations WHERE id = $1',
      [expiring.id],
    );
    expect(expired).toEqual({ status: 'expired', billed_seconds: 15 * 60 });
    const records = await waitFor(
      async () => {
        const found = await app.billingRecords(user.id);
        return found.length === 2 && found;
      },
      { description: 'both usages billed' },
    );
    const seconds = Object.fromEntries(
      records.map((record) => [record.allocation_id, record.billed_seconds]),
    );
    expect(seconds).toEqual({ [released.id]: 14 * 60 + 31, [expiring.id]: 15 * 60 });
  });

  it('lets exactly the allowed number of concurrent extensions through', async () => {
    const user = await app.createUser({ tier: 'pro' });
    const allocation = await allocate(user.token, region('c'), 30);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => extend(user.token, allocation.id, { additionalMinutes: 7 })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    for (const refused of answers.filter((answer) => answer.status !== 200)) {
      expect(['EXTENSION_LIMIT_REACHED', 'REQUEST_IN_PROGRESS']).toContain(refused.body.code);
    }
    const sequences = answers
      .filter((answer) => answer.status === 200)
      .map((answer) => answer.body.extension.sequence);
    expect(sequences.sort()).toEqual([1, 2, 3]);
    const stored = await row(allocation.id);
    expect(stored).toMatchObject({ duration_minutes: 51, extension_count: 3 });
    expect(stored.expires_at.toISOString()).toBe(
      new Date(Date.parse(allocation.expiresAt) + 21 * MINUTE).toISOString(),
    );
    const [{ count }] = await app.query<{ count: string }>(
      'SELECT count(*) FROM allocation_extensions WHERE allocation_id = $1',
      [allocation.id],
    );
    expect(count).toBe('3');
  });

  it('refuses without changing anything: balance, ended, strangers, suspended users', async () => {
    const poor = await app.createUser({ tier: 'pro', balanceMinor: '50' });
    const cheap = await allocate(poor.token, region('p'), 1);
    const broke = await extend(poor.token, cheap.id, { additionalMinutes: 240 });
    expect(broke).toMatchObject({ status: 402, body: { code: 'INSUFFICIENT_BALANCE' } });
    expect(await row(cheap.id)).toMatchObject({ duration_minutes: 1, extension_count: 0 });

    const stranger = await app.createUser({ tier: 'pro' });
    expect((await extend(stranger.token, cheap.id, { additionalMinutes: 1 })).status).toBe(404);
    expect(
      (await app.request('GET', `scheduler/allocations/${cheap.id}/extend-info`, { token: stranger.token }))
        .status,
    ).toBe(404);
    const byAdmin = await extend(app.tokens.admin(), cheap.id, { additionalMinutes: 1 });
    expect(byAdmin.status).toBe(200);

    const owner = await app.createUser({ tier: 'pro' });
    const ended = await allocate(owner.token, region('e'), 10);
    await app.request('POST', 'scheduler/devices/release', {
      token: owner.token,
      body: { allocationId: ended.id },
    });
    const late = await extend(owner.token, ended.id, { additionalMinutes: 5 });
    expect(late).toMatchObject({ status: 409, body: { code: 'ALLOCATION_NOT_ACTIVE' } });

    const suspended = await app.createUser({ tier: 'pro' });
    const held = await allocate(suspended.token, region('s'), 10);
    const patched = await app.request(
      'PATCH',
      `users/${suspended.id}`,
      { token: app.tokens.admin(), body: { status: 'suspended' } },
      'user',
    );
    expect(patched.status).toBe(200);
    const refused = await extend(suspended.token, held.id, { additionalMinutes: 5 });
    expect(refused).toMatchObject({ status: 403, body: { code: 'USER_NOT_ACTIVE' } });
    expect(await info(suspended.token, held.id)).toMatchObject({
      extendable: false,
      refusal: { code: 'USER_NOT_ACTIVE' },
    });
    expect(await row(held.id)).toMatchObject({ extension_count: 0 });
  });
});
