import { connect } from 'node:net';
import type { AllocationResponse, DeviceResponse, NodeResponse } from '@cloudphone/contracts';
import { waitFor } from '@cloudphone/shared/testing';
import { DeviceHealthCheckUseCase } from '../src/modules/devices/health/device-health-check.use-case';
import { ProviderReconciliationUseCase } from '../src/modules/devices/reconciliation/provider-reconciliation.use-case';
import { DockerEngineApiServer } from './docker-engine-api.server';
import { type Answer, SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const region = () => uniqueRegion('np');

/** What the stub's published port echoes back through the access gateway. */
function echoThrough(endpoint: string): Promise<string> {
  const [host, port] = endpoint.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(3000, () => socket.destroy(new Error('no echo')));
    socket.once('error', reject);
    socket.once('close', () => resolve(''));
    socket.once('connect', () => socket.write('CNXN'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('utf8'));
    });
  });
}

// Per-node providers (issue 14): the deployment runs the simulated provider, and one node runs its
// devices at a Docker host of its own (a local server speaking the Docker Engine API), end to end:
// create, access, hand-over, health and reconciliation each reach the node's host, and only it.
describe('providers per node', () => {
  let app: SchedulerTestApp;
  let docker: DockerEngineApiServer;

  beforeAll(async () => {
    docker = await DockerEngineApiServer.start();
    app = await SchedulerTestApp.start({
      ACCESS_GATEWAY_SYNC_MS: '200',
      DEVICE_HEALTH_FAILURE_THRESHOLD: '2',
      REDROID_TIMEOUT_MS: '2000',
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await docker?.close();
  }, 60_000);

  const admin = () => app.tokens.admin();
  const send = <T>(method: string, path: string, body?: unknown) =>
    app.request<Answer<T>>(method, path, { token: admin(), body });
  const nodeBody = (place: string, extra: Record<string, unknown>) => ({
    name: uniqueRegion('host').slice(0, 60),
    region: place,
    cpuCores: 64,
    memoryMb: 262144,
    storageGb: 4096,
    maxDevices: 4,
    ...extra,
  });
  const deviceBody = (place: string, nodeId?: string) => ({
    region: place,
    androidVersion: '13',
    cpuCores: 2,
    memoryMb: 4096,
    storageGb: 32,
    ...(nodeId ? { nodeId } : {}),
  });

  it('creates, opens, wipes, probes and reconciles a node’s devices at its own Docker host', async () => {
    const place = region();
    const created = await send<NodeResponse>(
      'POST',
      'scheduler/nodes',
      nodeBody(place, { provider: 'redroid', providerSettings: { dockerUrl: docker.url } }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'redroid', providerSettings: { dockerUrl: docker.url } });
    const nodeId = created.body.id;

    const onNode = await send<DeviceResponse>('POST', 'devices', deviceBody(place, nodeId));
    expect(onNode.status).toBe(201);
    expect(onNode.body).toMatchObject({ provider: 'redroid', nodeId, status: 'available' });
    const container = onNode.body.providerDeviceId;
    expect(docker.container(container)).toMatchObject({
      status: 'running',
      image: 'redroid/redroid:13.0.0-latest',
    });
    // A device without a node stays on the deployment's provider.
    const elsewhere = await send<DeviceResponse>('POST', 'devices', deviceBody(region()));
    expect(elsewhere.body).toMatchObject({ provider: 'simulated', nodeId: null });

    // Access goes through the gateway to the port Docker published on the node's host.
    const user = await app.createUser();
    const rented = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
      token: user.token,
      body: { durationMinutes: 30, requirements: { region: place } },
    });
    expect(rented.body.deviceId).toBe(onNode.body.id);
    expect(await echoThrough(rented.body.access!.adbEndpoint)).toBe('CNXN');

    // The hand-over wipes it there: Redroid recreates the container under the same name.
    const firstId = docker.container(container)!.id;
    await app.request('POST', 'scheduler/devices/release', {
      token: user.token,
      body: { allocationId: rented.body.id },
    });
    await app.wipeReleasedDevices();
    expect(await app.query(`SELECT status, wipe_count FROM devices WHERE id = $1`, [onNode.body.id])).toEqual(
      [{ status: 'available', wipe_count: '1' }],
    );
    expect(docker.container(container)).toMatchObject({ status: 'running' });
    expect(docker.container(container)!.id).not.toBe(firstId);

    // A second node on the same host (other settings, so another driver) shares its listing: neither
    // node's containers look orphaned to the other. One the host holds and the pool does not is.
    const sibling = await send<NodeResponse>(
      'POST',
      'scheduler/nodes',
      nodeBody(place, {
        provider: 'redroid',
        providerSettings: { dockerUrl: `${docker.url}/`, timeoutMs: 1500 },
      }),
    );
    expect((await send<DeviceResponse>('POST', 'devices', deviceBody(place, sibling.body.id))).status).toBe(
      201,
    );
    await docker.addContainer('cloudphone-0rphan', { 'cloudphone.managed': 'true' }, 'running');
    const reconcile = () => app.get(ProviderReconciliationUseCase).reconcile();
    expect(await reconcile()).toMatchObject({ orphan: 1, missing: 0, error_state: 0 });
    expect(await app.query(`SELECT provider FROM provider_orphans`)).toEqual([
      { provider: `redroid:${new URL(docker.url).href}` },
    ]);

    // Its container dies: the health check reads that from the node's host and fails the device.
    await docker.setStatus(container, 'dead');
    const check = () => app.get(DeviceHealthCheckUseCase).checkAll(new AbortController().signal);
    await check();
    await check();
    expect(await app.query(`SELECT status FROM devices WHERE id = $1`, [onNode.body.id])).toEqual([
      { status: 'failed' },
    ]);
    expect(await app.query(`SELECT status FROM devices WHERE id = $1`, [elsewhere.body.id])).toEqual([
      { status: 'available' },
    ]);
  });

  it('refuses malformed or unknown settings with 400, and changing a provider under devices with 409', async () => {
    const place = region();
    const bad = async (body: Record<string, unknown>) => {
      const answer = await send('POST', 'scheduler/nodes', nodeBody(place, body));
      expect({ status: answer.status, code: answer.body.code }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      return answer.body.message;
    };
    expect(await bad({ provider: 'redroid' })).toContain('dockerUrl is required');
    expect(
      await bad({ provider: 'redroid', providerSettings: { dockerUrl: 'unix:///var/run/docker.sock' } }),
    ).toContain('dockerUrl');
    expect(
      await bad({ provider: 'redroid', providerSettings: { dockerUrl: docker.url, constructor: 1 } }),
    ).toContain('constructor');
    await bad({ provider: 'redroid', providerSettings: { dockerUrl: `${docker.url}\u0000` } });
    await bad({ provider: 'redroid', providerSettings: { dockerUrl: docker.url, timeoutMs: 2 ** 53 } });
    await bad({ provider: 'constructor' });
    await bad({ providerSettings: { dockerUrl: docker.url } });
    expect((await send<{ items: NodeResponse[] }>('GET', 'scheduler/nodes')).body.items).not.toContainEqual(
      expect.objectContaining({ region: place }),
    );

    const node = (await send<NodeResponse>('POST', 'scheduler/nodes', nodeBody(place, {}))).body;
    expect(node).toMatchObject({ provider: null, providerSettings: {} });
    expect((await send<DeviceResponse>('POST', 'devices', deviceBody(place, node.id))).status).toBe(201);
    const switched = await send('PUT', `scheduler/nodes/${node.id}`, {
      provider: 'redroid',
      providerSettings: { dockerUrl: docker.url },
    });
    expect(switched).toMatchObject({ status: 409, body: { code: 'NODE_HAS_DEVICES' } });
    expect((await send<NodeResponse>('GET', `scheduler/nodes/${node.id}`)).body.provider).toBeNull();

    // Drained, it holds no devices, and may switch; settings alone change in place.
    await send('POST', `scheduler/nodes/${node.id}/drain`);
    await waitFor(
      async () => (await send<NodeResponse>('GET', `scheduler/nodes/${node.id}`)).body.usage.devices === 0,
      {
        description: 'the drained node empty',
      },
    );
    const moved = await send<NodeResponse>('PUT', `scheduler/nodes/${node.id}`, {
      provider: 'redroid',
      providerSettings: { dockerUrl: docker.url },
    });
    expect(moved.body).toMatchObject({ provider: 'redroid', providerSettings: { dockerUrl: docker.url } });
    const retuned = await send<NodeResponse>('PUT', `scheduler/nodes/${node.id}`, {
      providerSettings: { dockerUrl: docker.url, image: 'redroid/redroid:14.0.0-latest' },
    });
    expect(retuned.body).toMatchObject({
      provider: 'redroid',
      providerSettings: { image: 'redroid/redroid:14.0.0-latest' },
    });
  });
});
