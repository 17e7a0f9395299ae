import type { AllocationResponse, DeviceAccessResponse } from '@cloudphone/contracts';
import { waitFor } from '@cloudphone/shared/testing';
import { AccessRepository } from '../src/modules/access/access.repository';
import { AdbGateway } from '../src/modules/access';
import { adbHandshake } from './adb-handshake';
import { type Answer, SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const region = () => uniqueRegion('acc');

// Access (issue 14): the ADB gateway and the screen stream, against real user-service,
// billing-service and servers; the simulated provider's devices answer the ADB handshake.
describe('device access', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start({ ACCESS_GATEWAY_SYNC_MS: '200' });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  async function rent(place: string, token: string): Promise<AllocationResponse> {
    const answer = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
      token,
      body: { durationMinutes: 30, requirements: { region: place } },
    });
    expect(answer.status).toBe(201);
    return answer.body;
  }

  it('answers access with the allocation, works while it lasts and is refused after the release', async () => {
    const place = region();
    const [deviceId] = await app.addDevices(1, { region: place });
    const user = await app.createUser();
    const allocation = await rent(place, user.token);
    const access = allocation.access!;
    expect(access).toEqual({
      allocationId: allocation.id,
      deviceId,
      adbEndpoint: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      streamUrl: expect.stringContaining(`/devices/${deviceId}/stream?token=`),
      token: expect.stringMatching(/^v1\./),
      expiresAt: allocation.expiresAt,
    });

    const during = await adbHandshake(access.adbEndpoint);
    expect(during).toEqual({ kind: 'connected', banner: expect.stringContaining('device::') });
    const stream = await fetch(`${app.device.url}/devices/${deviceId}/stream?token=${access.token}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('image/svg+xml');
    expect(await stream.text()).toContain('<svg');

    const mine = await app.request<DeviceAccessResponse>(
      'GET',
      `scheduler/allocations/${allocation.id}/access`,
      {
        token: user.token,
      },
    );
    expect(mine).toMatchObject({
      status: 200,
      body: { adbEndpoint: access.adbEndpoint, token: access.token },
    });
    const byDevice = await app.request<DeviceAccessResponse>('GET', `devices/${deviceId}/connection`, {
      token: user.token,
    });
    expect(byDevice.body.adbEndpoint).toBe(access.adbEndpoint);

    const released = await app.request('POST', 'scheduler/devices/release', {
      token: user.token,
      body: { allocationId: allocation.id },
    });
    expect(released.status).toBe(200);
    expect(released.body).not.toHaveProperty('access');

    expect(await adbHandshake(access.adbEndpoint)).toMatchObject({ kind: 'refused' });
    const after = await fetch(`${app.device.url}/devices/${deviceId}/stream?token=${access.token}`);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { code: string }).code).toBe('ACCESS_TOKEN_INVALID');
    const gone = await app.request<Answer<object>>('GET', `scheduler/allocations/${allocation.id}/access`, {
      token: user.token,
    });
    expect(gone).toMatchObject({ status: 404, body: { code: 'ACCESS_NOT_AVAILABLE' } });
  });

  it('cuts an open session when the allocation ends, even when another replica ended it', async () => {
    const place = region();
    await app.addDevices(1, { region: place });
    const user = await app.createUser();
    const allocation = await rent(place, user.token);
    const { connect } = await import('node:net');
    const [host, port] = allocation.access!.adbEndpoint.split(':');
    const session = connect(Number(port), host);
    let closed = false;
    session.on('close', () => (closed = true));
    // A refused connection fails the test at once, naming why, instead of waiting for its timeout.
    await new Promise<void>((resolve, reject) => {
      session.once('connect', () => resolve());
      session.once('error', reject);
    });
    session.on('error', () => undefined);
    // As another replica would: the rental ends in the database, not through this process.
    await app.query(
      `UPDATE device_allocations SET status = 'released', end_reason = 'released', ended_at = now(),
         billed_seconds = 1 WHERE id = $1`,
      [allocation.id],
    );
    // The periodic sync cuts it. A sync that read the leases while this connection was still being
    // checked (a slow machine) leaves it to the next one, as the gateway documents.
    await waitFor(
      async () => {
        await app.get(AdbGateway).sync();
        return closed;
      },
      { description: 'the session to be cut', timeoutMs: 10_000 },
    );
  });

  it('keeps the port of a claim newer than a sync that read the leases before it', async () => {
    const place = region();
    await app.addDevices(1, { region: place });
    const user = await app.createUser();
    const gateway = app.get(AdbGateway);
    const repository = app.get(AccessRepository);
    // A sync reads the leases, then (as a slow query would) answers only after a new rental opened
    // its port: that sync must not close the port it never saw.
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const read = repository.liveLeases.bind(repository);
    const spy = jest.spyOn(repository, 'liveLeases').mockImplementationOnce(async () => {
      const leases = await read();
      await held;
      return leases;
    });
    const stale = gateway.sync();
    await waitFor(() => spy.mock.calls.length === 1, { description: 'the sync to read the leases' });
    const allocation = await rent(place, user.token);
    answer();
    await stale;
    spy.mockRestore();
    expect(await adbHandshake(allocation.access!.adbEndpoint)).toMatchObject({ kind: 'connected' });
  });

  it('shows access to its renter only, and refuses forged or malformed tokens', async () => {
    const place = region();
    const [deviceId] = await app.addDevices(1, { region: place });
    const [owner, other] = [await app.createUser(), await app.createUser()];
    const allocation = await rent(place, owner.token);
    for (const token of [other.token, app.tokens.admin()]) {
      const answer = await app.request<Answer<object>>(
        'GET',
        `scheduler/allocations/${allocation.id}/access`,
        {
          token,
        },
      );
      expect(answer).toMatchObject({ status: 404, body: { code: 'ACCESS_NOT_AVAILABLE' } });
      const connection = await app.request<Answer<object>>('GET', `devices/${deviceId}/connection`, {
        token,
      });
      expect(connection.status).toBe(404);
    }
    const token = allocation.access!.token;
    const forged = `${token.slice(0, -2)}${token.endsWith('A') ? 'BB' : 'AA'}`;
    for (const bad of [forged, 'v1.constructor.1.x', 'x'.repeat(600), '']) {
      const answer = await fetch(
        `${app.device.url}/devices/${deviceId}/stream?token=${encodeURIComponent(bad)}`,
      );
      expect(answer.status).toBe(401);
    }
    // A NUL byte never reaches the route: the platform refuses unstorable input first.
    const nul = await fetch(
      `${app.device.url}/devices/${deviceId}/stream?token=${encodeURIComponent(`${token}\u0000`)}`,
    );
    expect(nul.status).toBe(400);
    const elsewhere = await fetch(`${app.device.url}/devices/${allocation.id}/stream?token=${token}`);
    expect(elsewhere.status).toBe(401);
    const noToken = await fetch(`${app.device.url}/devices/${deviceId}/stream`);
    expect(noToken.status).toBe(401);
    const twice = await fetch(`${app.device.url}/devices/${deviceId}/stream?token=${token}&token=${token}`);
    expect(twice.status).toBe(401);
  });

  it('refuses access past the expiry, before the expiry job has run', async () => {
    const place = region();
    await app.addDevices(1, { region: place });
    const user = await app.createUser();
    const allocation = await rent(place, user.token);
    await app.query(
      `UPDATE device_allocations SET started_at = now() - interval '10 minutes',
         expires_at = now() - interval '1 second' WHERE id = $1`,
      [allocation.id],
    );
    await waitFor(async () => (await adbHandshake(allocation.access!.adbEndpoint)).kind === 'refused', {
      description: 'access refused past the expiry, before the expiry job ran',
    });
  });
});
