import type {
  AllocationResponse,
  NodeResponse,
  PlacementExplanation,
  StrategyResponse,
} from '@cloudphone/contracts';
import { uniqueTestId, waitFor } from '@cloudphone/shared/testing';
import { type Answer, SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const region = () => uniqueRegion('pl');

// Nodes and placement (issue 14): filter (schedulable, taints), score (spread, binpack, cost,
// affinity), explain, drain — on crafted pools against real servers.
describe('nodes and placement', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const admin = () => app.tokens.admin();
  const post = <T>(path: string, body?: unknown) =>
    app.request<Answer<T>>('POST', path, { token: admin(), body });

  async function node(
    place: string,
    name: string,
    extra: Record<string, unknown> = {},
  ): Promise<NodeResponse> {
    const created = await post<NodeResponse>('scheduler/nodes', {
      name: `${name}-${place}`.slice(0, 63),
      region: place,
      cpuCores: 64,
      memoryMb: 262144,
      storageGb: 4096,
      maxDevices: 4,
      ...extra,
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  /** `count` devices on `nodeId`, `held` of them allocated to a filler user. */
  async function devicesOn(nodeId: string, place: string, count: number, held = 0): Promise<string[]> {
    const ids = await app.addDevices(count, { region: place });
    await app.query(`UPDATE devices SET node_id = $1 WHERE id = ANY($2::uuid[])`, [nodeId, ids]);
    await app.query(
      `UPDATE devices SET status = 'allocated', held_by = gen_random_uuid() WHERE id = ANY($1::uuid[])`,
      [ids.slice(0, held)],
    );
    return ids;
  }

  async function useStrategy(policy: string, affinityWeight = 0): Promise<void> {
    const created = await post<StrategyResponse>('scheduler/strategies', {
      name: uniqueTestId(policy),
      policy,
      affinityWeight,
    });
    expect(created.status).toBe(201);
    expect(
      (await post<StrategyResponse>(`scheduler/strategies/${created.body.id}/activate`)).body,
    ).toMatchObject({
      active: true,
      policy,
    });
  }

  async function allocate(token: string, place: string, extra: Record<string, unknown> = {}) {
    return app.request<Answer<AllocationResponse>>('POST', 'scheduler/devices/allocate', {
      token,
      body: { durationMinutes: 10, requirements: { region: place }, ...extra },
    });
  }

  it('spreads onto the emptiest node, packs onto the fullest, and saves on the cheapest', async () => {
    const place = region();
    const busy = await node(place, 'busy', { costPerHourMinor: 50 });
    const idle = await node(place, 'idle', { costPerHourMinor: 90 });
    const cheap = await node(place, 'cheap', { costPerHourMinor: 10 });
    const busyDevices = await devicesOn(busy.id, place, 4, 3);
    const idleDevices = await devicesOn(idle.id, place, 4);
    const cheapDevices = await devicesOn(cheap.id, place, 4, 2);
    const user = await app.createUser();

    await useStrategy('spread');
    const spread = await allocate(user.token, place);
    expect(idleDevices).toContain(spread.body.deviceId);

    await useStrategy('binpack');
    const packed = await allocate(user.token, place);
    expect(busyDevices).toContain(packed.body.deviceId);

    await useStrategy('cost');
    const saved = await allocate(user.token, place);
    expect(cheapDevices).toContain(saved.body.deviceId);

    const explained = await post<PlacementExplanation>('scheduler/devices/allocate?explain=true', {
      durationMinutes: 10,
      requirements: { region: place },
      userId: user.id,
    });
    expect(explained.status).toBe(200);
    expect(explained.body).toMatchObject({ policy: 'cost', chosen: { nodeId: cheap.id } });
    expect(explained.body.alternatives.length).toBeGreaterThan(0);
    expect(explained.body.chosen!.score).toBeGreaterThanOrEqual(explained.body.alternatives[0].score);
    const plain = await allocate(user.token, place, {});
    expect(
      (await app.request('GET', `scheduler/allocations?userId=${user.id}`, { token: admin() })).status,
    ).toBe(200);
    expect(plain.status).toBe(201);
    const notAdmin = await app.request<Answer<object>>('POST', 'scheduler/devices/allocate?explain=true', {
      token: user.token,
      body: { durationMinutes: 10 },
    });
    expect(notAdmin.status).toBe(403);
  });

  it("prefers the user's previous device, then its node", async () => {
    const place = region();
    const first = await node(place, 'aff-a');
    const second = await node(place, 'aff-b');
    const [small] = await devicesOn(first.id, place, 1);
    const [big] = await app.addDevices(1, { region: place, cpuCores: 8 });
    await app.query(`UPDATE devices SET node_id = $1 WHERE id = $2`, [first.id, big]);
    await devicesOn(second.id, place, 2);
    await useStrategy('spread', 1);
    const user = await app.createUser();
    const before = await allocate(user.token, place, { requirements: { region: place, cpuCores: 8 } });
    expect(before.body.deviceId).toBe(big);
    await app.request('POST', 'scheduler/devices/release', {
      token: user.token,
      body: { allocationId: before.body.id },
    });
    await app.wipeReleasedDevices();
    // A smaller device would do, and `small` shares the node; the previous device still comes first.
    const again = await allocate(user.token, place);
    expect(again.body.deviceId).toBe(big);
    expect(small).toBeDefined();
  });

  it('keeps off tainted, drained and maintained nodes unless tolerated', async () => {
    const place = region();
    const tainted = await node(place, 'gpu', { taints: [{ key: 'gpu', effect: 'NoSchedule' }] });
    const [gpuDevice] = await devicesOn(tainted.id, place, 1);
    const user = await app.createUser();
    expect(await allocate(user.token, place)).toMatchObject({
      status: 409,
      body: { code: 'NO_DEVICE_AVAILABLE' },
    });
    const tolerated = await allocate(user.token, place, { tolerations: ['gpu'] });
    expect(tolerated).toMatchObject({ status: 201, body: { deviceId: gpuDevice } });

    const other = region();
    const maintained = await node(other, 'm');
    await devicesOn(maintained.id, other, 1);
    expect((await post<NodeResponse>(`scheduler/nodes/${maintained.id}/maintenance`)).body.state).toBe(
      'maintenance',
    );
    expect(await allocate(user.token, other)).toMatchObject({ status: 409 });
    expect((await post<NodeResponse>(`scheduler/nodes/${maintained.id}/uncordon`)).body.state).toBe(
      'schedulable',
    );
    expect((await allocate(user.token, other)).status).toBe(201);
  });

  it('drains a node to zero devices: idle ones at once, rented ones when their allocation ends', async () => {
    const place = region();
    const host = await node(place, 'drain');
    const ids = await devicesOn(host.id, place, 3);
    const user = await app.createUser();
    const rented = await allocate(user.token, place);
    expect(ids).toContain(rented.body.deviceId);

    const drained = await post<NodeResponse>(`scheduler/nodes/${host.id}/drain`);
    expect(drained.body).toMatchObject({ state: 'draining', usage: { devices: 1, allocated: 1 } });
    expect(await allocate(user.token, place)).toMatchObject({ status: 409 });

    await app.request('POST', 'scheduler/devices/release', {
      token: user.token,
      body: { allocationId: rented.body.id },
    });
    await waitFor(
      async () =>
        (await app.request<NodeResponse>('GET', `scheduler/nodes/${host.id}`, { token: admin() })).body.usage
          .devices === 0,
      { description: 'the drained node empty' },
    );
    expect(
      (await app.request<Answer<object>>('DELETE', `scheduler/nodes/${host.id}`, { token: admin() })).status,
    ).toBe(204);
  });

  it('refuses bad nodes and strategies with 4xx and a stable code', async () => {
    const place = region();
    const valid = { name: 'x', region: place, cpuCores: 1, memoryMb: 256, storageGb: 1, maxDevices: 1 };
    for (const body of [
      { ...valid, name: 'Bad Name' },
      { ...valid, maxDevices: 2_147_483_648 },
      { ...valid, labels: { 'a\u0000': 'b' } },
      { ...valid, labels: JSON.parse('{"__proto__":"x"}') },
      { ...valid, taints: [{ key: 'k', effect: 'Evict' }] },
    ]) {
      const answer = await post<object>('scheduler/nodes', body);
      expect(answer.status).toBe(400);
    }
    const first = await node(place, 'dup');
    expect(
      (await post<object>('scheduler/nodes', { ...first, id: undefined, usage: undefined })).status,
    ).toBe(400);
    expect((await post<object>('scheduler/strategies', { name: 's', policy: 'random' })).status).toBe(400);
    expect(
      (await post<object>('scheduler/strategies/00000000-0000-4000-8000-000000000000/activate')).status,
    ).toBe(404);
    const user = await app.createUser();
    expect((await app.request('POST', 'scheduler/nodes', { token: user.token, body: {} })).status).toBe(403);
  });
});
