import { connect } from 'node:net';
import { Logger } from '@nestjs/common';
import { HttpClientRegistry, type HttpClientPolicy, loadConfig, MetricsService } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../src/config/device-service.config';
import type {
  DeviceProviderOperation,
  ProvisionSpec,
} from '../src/integrations/device-provider/device-provider';
import { DeviceProviderError } from '../src/integrations/device-provider/device-provider.error';
import { createDeviceProvider } from '../src/integrations/device-provider/device-provider.factory';
import {
  RedroidDeviceProvider,
  type RedroidDeviceProviderOptions,
} from '../src/integrations/device-provider/redroid-device.provider';
import { DockerEngineApiServer } from './docker-engine-api.server';

const SPEC: ProvisionSpec = {
  cpuCores: 2,
  memoryMb: 4096,
  storageGb: 32,
  region: 'eu-west',
  androidVersion: '13',
};
const BOOT_ARGS = ['androidboot.redroid_width=720', 'androidboot.redroid_height=1280'];
// The contract tests' deadline is generous, so a busy machine cannot turn a local answer into a
// timeout; the deadline test gets its own short one.
const TIMEOUT_MS = 5000;
const GUARD_TIMEOUT_MS = 500;

// The platform's policy, quick: fast backoff, and a breaker that stays closed unless a test wants it.
const POLICY: HttpClientPolicy = {
  deadlineMs: 3000,
  attemptTimeoutMs: 1000,
  maxRetries: 2,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
  retryBudgetRatio: 0.2,
  retryBudgetMinRetries: 1000,
  retryBudgetWindowMs: 10_000,
  breakerErrorPercent: 50,
  breakerMinRequests: 1000,
  breakerResetMs: 5000,
  breakerWindowMs: 10_000,
};

/** The answer of an echo over a TCP connection to 127.0.0.1:port, or the connection error. */
function echo(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => socket.destroy(new Error('no echo')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('CNXN'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('utf8'));
    });
  });
}

/** Expects `work` to fail with the driver's DeviceProviderError for `operation`, its message matching `text`. */
async function expectFailure(
  work: Promise<unknown>,
  operation: DeviceProviderOperation,
  text: RegExp | string,
) {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DeviceProviderError);
  expect(error).toMatchObject({ provider: 'redroid', operation });
  expect((error as Error).message).toMatch(text);
}

// The Redroid driver against a local server speaking the Docker Engine API subset it uses, through
// the shared HttpClient (retries, deadlines, breaker) as device-service builds it.
describe('RedroidDeviceProvider against the Docker Engine API', () => {
  const metrics = new MetricsService('device-service');
  let docker: DockerEngineApiServer;
  let registry: HttpClientRegistry;
  let provider: RedroidDeviceProvider;

  function options(overrides: Partial<RedroidDeviceProviderOptions> = {}): RedroidDeviceProviderOptions {
    return {
      dockerUrl: docker.url,
      apiVersion: '1.44',
      image: 'redroid/redroid:13.0.0-latest',
      bootArgs: BOOT_ARGS,
      advertisedHost: '127.0.0.1',
      adbBindIp: '127.0.0.1',
      timeoutMs: TIMEOUT_MS,
      ...overrides,
    };
  }

  async function port(providerDeviceId: string): Promise<number> {
    return (await provider.getConnection(providerDeviceId)).adb.port;
  }

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    docker = await DockerEngineApiServer.start();
    // With a service token to send, as in a running service: the Docker host must never get it.
    registry = new HttpClientRegistry(POLICY, { metrics, serviceToken: () => 'platform-service-token' });
    provider = new RedroidDeviceProvider(options(), registry);
  });

  afterEach(async () => {
    await registry.onApplicationShutdown();
    await docker.close();
  });

  it('creates a privileged container from the spec, running, its ADB port reachable', async () => {
    const created = await provider.createDevice(SPEC);
    expect(created).toEqual({
      providerDeviceId: expect.stringMatching(/^cloudphone-[0-9a-f]{16}$/),
      state: 'provisioning',
    });
    expect(await provider.getDeviceState(created.providerDeviceId)).toBe('running');

    const container = docker.container(created.providerDeviceId);
    expect(container).toMatchObject({
      name: created.providerDeviceId,
      image: 'redroid/redroid:13.0.0-latest',
      cmd: BOOT_ARGS,
      status: 'running',
      labels: {
        'cloudphone.managed': 'true',
        'cloudphone.cpu-cores': '2',
        'cloudphone.memory-mb': '4096',
        'cloudphone.storage-gb': '32',
        'cloudphone.region': 'eu-west',
        'cloudphone.android-version': '13',
      },
      exposedPorts: { '5555/tcp': {} },
      hostConfig: {
        Privileged: true,
        NanoCpus: 2_000_000_000,
        Memory: 4096 * 1024 * 1024,
        PortBindings: { '5555/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      },
    });
    const connection = await provider.getConnection(created.providerDeviceId);
    expect(connection).toEqual({ adb: { host: '127.0.0.1', port: container?.hostPort }, stream: null });
    expect(await echo(connection.adb.port)).toBe('CNXN');
    expect(new Set(docker.requests.map((request) => request.apiVersion))).toEqual(new Set(['1.44']));
    expect(docker.requests.filter((request) => request.authorization !== undefined)).toEqual([]);
  });

  it('stops, starts and reboots; repeating a start or a stop succeeds', async () => {
    const { providerDeviceId: id } = await provider.createDevice(SPEC);
    const firstPort = await port(id);

    await provider.powerDevice(id, 'stop');
    await provider.powerDevice(id, 'stop');
    expect(await provider.getDeviceState(id)).toBe('stopped');
    await expect(echo(firstPort)).rejects.toThrow(/ECONNREFUSED/);
    await expectFailure(provider.getConnection(id), 'connect', /no host port for ADB \(container exited\)/);
    expect(docker.requestsTo('stop').map((request) => request.query.get('t'))).toEqual(['10', '10']);

    await provider.powerDevice(id, 'start');
    await provider.powerDevice(id, 'start');
    expect(await provider.getDeviceState(id)).toBe('running');
    expect(await echo(await port(id))).toBe('CNXN');

    await provider.powerDevice(id, 'reboot');
    expect(await provider.getDeviceState(id)).toBe('running');
    expect(await echo(await port(id))).toBe('CNXN');
    expect(docker.requestsTo('restart')).toHaveLength(1);
  });

  it('resets by recreating under the same name: a new container, fresh, same spec, reachable', async () => {
    const { providerDeviceId: id } = await provider.createDevice(SPEC);
    const before = docker.container(id);
    await provider.powerDevice(id, 'stop');

    await provider.resetDevice(id);

    const after = docker.container(id);
    expect(after?.id).not.toBe(before?.id);
    expect(after).toMatchObject({ name: id, status: 'running', image: before?.image, cmd: before?.cmd });
    expect(after?.labels).toEqual(before?.labels);
    expect(after?.hostConfig).toEqual(before?.hostConfig);
    expect(await provider.getDeviceState(id)).toBe('running');
    expect(await echo(await port(id))).toBe('CNXN');
    expect(docker.requestsTo('remove')[0].query.get('force')).toBe('true');
  });

  it('destroys, and destroying again (or something never created) succeeds', async () => {
    const { providerDeviceId: id } = await provider.createDevice(SPEC);
    const adbPort = await port(id);

    await provider.destroyDevice(id);
    await provider.destroyDevice(id);
    await provider.destroyDevice('cloudphone-never-created');

    expect(docker.container(id)).toBeUndefined();
    expect(await provider.getDeviceState(id)).toBe('destroyed');
    await expect(echo(adbPort)).rejects.toThrow(/ECONNREFUSED/);
    expect(docker.requestsTo('remove').map((request) => request.query.toString())).toEqual([
      'force=true&v=true',
      'force=true&v=true',
      'force=true&v=true',
    ]);
  });

  it('lists only managed containers, stopped ones too, with their states', async () => {
    const running = (await provider.createDevice(SPEC)).providerDeviceId;
    const paused = (await provider.createDevice(SPEC)).providerDeviceId;
    const dead = (await provider.createDevice(SPEC)).providerDeviceId;
    const stopped = (await provider.createDevice(SPEC)).providerDeviceId;
    await docker.setStatus(paused, 'paused');
    await docker.setStatus(dead, 'dead');
    await provider.powerDevice(stopped, 'stop');
    await docker.addContainer('someone-elses', { 'com.example': 'x' }, 'running');
    await docker.addContainer('cloudphone-unmanaged', { 'cloudphone.managed': 'false' }, 'running');

    const listed = await provider.listDevices();

    expect(listed.sort((a, b) => a.providerDeviceId.localeCompare(b.providerDeviceId))).toEqual(
      [
        { providerDeviceId: running, state: 'running' },
        { providerDeviceId: paused, state: 'stopped' },
        { providerDeviceId: dead, state: 'error' },
        { providerDeviceId: stopped, state: 'stopped' },
      ].sort((a, b) => a.providerDeviceId.localeCompare(b.providerDeviceId)),
    );
    expect(JSON.parse(docker.requestsTo('list')[0].query.get('filters') ?? '')).toEqual({
      label: ['cloudphone.managed=true'],
    });
  });

  it('maps every container status to a device state', async () => {
    const { providerDeviceId: id } = await provider.createDevice(SPEC);
    const expected = {
      created: 'provisioning',
      restarting: 'provisioning',
      running: 'running',
      paused: 'stopped',
      exited: 'stopped',
      dead: 'error',
      removing: 'destroyed',
    } as const;
    for (const [status, state] of Object.entries(expected)) {
      await docker.setStatus(id, status as keyof typeof expected);
      expect(await provider.getDeviceState(id)).toBe(state);
    }
  });

  it('turns each Docker error answer into a DeviceProviderError naming the operation', async () => {
    const { providerDeviceId: id } = await provider.createDevice(SPEC);
    const missing = 'cloudphone-missing';
    const noSuch = `Docker Engine answered 404: No such container: ${missing}`;
    for (const action of ['start', 'stop', 'reboot'] as const) {
      await expectFailure(provider.powerDevice(missing, action), action, noSuch);
    }
    await expectFailure(provider.resetDevice(missing), 'reset', noSuch);
    await expectFailure(provider.getConnection(missing), 'connect', noSuch);

    await docker.setStatus(id, 'paused');
    await expectFailure(provider.powerDevice(id, 'start'), 'start', /409: cannot start a paused container/);

    docker.injectFault('inspect', { status: 500, times: 3 });
    await expectFailure(
      provider.getDeviceState(id),
      'getState',
      `getState ${id}: Docker Engine answered 500: Something went wrong.`,
    );
    docker.injectFault('list', { status: 500, times: 3 });
    await expectFailure(
      provider.listDevices(),
      'list',
      'list: Docker Engine answered 500: Something went wrong.',
    );
    docker.injectFault('remove', {
      status: 500,
      message: 'driver failed to remove root filesystem',
      times: 3,
    });
    await expectFailure(
      provider.destroyDevice(id),
      'destroy',
      /500: driver failed to remove root filesystem/,
    );
  });

  it('refuses a create Docker refuses, leaving nothing behind', async () => {
    const other = new RedroidDeviceProvider(options({ image: 'redroid/redroid:99.0.0-latest' }), registry);
    await expectFailure(
      other.createDevice(SPEC),
      'create',
      /404: No such image: redroid\/redroid:99\.0\.0-latest/,
    );

    const conflict = 'Conflict. The container name "/cloudphone-x" is already in use by container "abc".';
    docker.injectFault('create', { status: 409, message: conflict });
    await expectFailure(provider.createDevice(SPEC), 'create', `409: ${conflict}`);
    // The name belongs to someone else's container: never removed.
    expect(docker.requestsTo('remove')).toHaveLength(0);

    docker.injectFault('start', {
      status: 500,
      message: 'driver failed programming external connectivity',
      times: 3,
    });
    await expectFailure(
      provider.createDevice(SPEC),
      'create',
      /500: driver failed programming external connectivity/,
    );
    expect(await provider.listDevices()).toEqual([]);
  });

  it('never resets a container the platform does not manage', async () => {
    await docker.addContainer('cloudphone-foreign', {}, 'running');
    await expectFailure(
      provider.resetDevice('cloudphone-foreign'),
      'reset',
      /not a container this platform manages/,
    );
    expect(docker.container('cloudphone-foreign')?.status).toBe('running');
  });

  it('retries a transient 500 on reads and on start, never on restart', async () => {
    const { providerDeviceId: id } = await provider.createDevice(SPEC);
    docker.injectFault('inspect', { status: 500 });
    expect(await provider.getDeviceState(id)).toBe('running');
    expect(docker.requestsTo('inspect')).toHaveLength(2);

    await provider.powerDevice(id, 'stop');
    docker.injectFault('start', { status: 500 });
    await provider.powerDevice(id, 'start');
    expect(docker.requestsTo('start')).toHaveLength(3);

    docker.injectFault('restart', { status: 500 });
    await expectFailure(provider.powerDevice(id, 'reboot'), 'reboot', /500: Something went wrong/);
    expect(docker.requestsTo('restart')).toHaveLength(1);
  });

  it('gives up on a call that outlives its deadline; stop and reboot get the grace period on top', async () => {
    const guarded = new HttpClientRegistry(POLICY, { metrics });
    try {
      const quick = new RedroidDeviceProvider(options({ timeoutMs: GUARD_TIMEOUT_MS }), guarded);
      const { providerDeviceId: id } = await quick.createDevice(SPEC);
      docker.injectFault('inspect', { delayMs: 3000 });
      const startedAt = performance.now();
      await expectFailure(
        quick.getDeviceState(id),
        'getState',
        /did not answer: .*deadline of 500 ms exceeded/,
      );
      expect(performance.now() - startedAt).toBeLessThan(1500);

      docker.injectFault('stop', { delayMs: GUARD_TIMEOUT_MS + 300 });
      await quick.powerDevice(id, 'stop');
      expect(await quick.getDeviceState(id)).toBe('stopped');
    } finally {
      await guarded.onApplicationShutdown();
    }
  });

  it('shares the platform circuit breaker per Docker host: open, it fails fast without calling', async () => {
    const strict = new HttpClientRegistry({ ...POLICY, maxRetries: 0, breakerMinRequests: 3 }, { metrics });
    try {
      const guarded = new RedroidDeviceProvider(options(), strict);
      docker.injectFault('list', { status: 500, times: 3 });
      for (let call = 0; call < 3; call += 1) await expectFailure(guarded.listDevices(), 'list', /500/);
      await expectFailure(guarded.listDevices(), 'list', /circuit breaker is open/);
      expect(docker.requestsTo('list')).toHaveLength(3);
    } finally {
      await strict.onApplicationShutdown();
    }
  });

  it('is what DEVICE_PROVIDER=redroid builds, and refuses to start without REDROID_DOCKER_URL', async () => {
    const environment = {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
      REDIS_URL: 'redis://127.0.0.1:6379',
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
      JWT_SECRET: 'j'.repeat(32),
      SERVICE_TOKEN_SECRET: 's'.repeat(32),
      DEVICE_PROVIDER: 'redroid',
    };
    expect(() => createDeviceProvider(loadConfig(DeviceServiceConfig, environment), registry)).toThrow(
      'REDROID_DOCKER_URL is required when DEVICE_PROVIDER=redroid',
    );

    const config = loadConfig(DeviceServiceConfig, {
      ...environment,
      REDROID_DOCKER_URL: docker.url,
      REDROID_BOOT_ARGS: 'androidboot.redroid_width=1080  androidboot.redroid_dpi=480',
    });
    const built = createDeviceProvider(config, registry);
    expect(built.name).toBe('redroid');
    const { providerDeviceId } = await built.createDevice(SPEC);
    expect(docker.container(providerDeviceId)?.cmd).toEqual([
      'androidboot.redroid_width=1080',
      'androidboot.redroid_dpi=480',
    ]);
    expect(await built.getDeviceState(providerDeviceId)).toBe('running');
  });
});
