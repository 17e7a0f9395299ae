import { SERVICE_CATALOG, type ServiceName } from '@cloudphone/contracts';
import { consumerQueueNames } from './consumer-queue-names';
import { EventObserver } from './event-observer';
import { createTestSecrets, serviceEnvironment, type TestSecrets } from './service-environment';
import { deleteRedisKeys } from './redis-keys';
import { ServiceProcess } from './service-process';
import { TcpProxy } from './tcp-proxy';
import { createTestDatabase, type TestDatabase } from './test-database';
import { TestTokens } from './test-tokens';
import { uniqueTestId } from './unique-test-id';

export interface ServiceFleetOptions {
  /**
   * Built processes to run per service, e.g. `{'user-service': 1, 'device-service': 2}`. A service
   * listed with 0 gets a database and an environment but no process (a test may boot it in process).
   */
  processes: Partial<Record<ServiceName, number>>;
  /** Extra variables for every process. */
  environment?: Record<string, string>;
  /** Extra variables per service. */
  serviceEnvironment?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Routing patterns an observer queue binds before any service starts: those events are recorded. */
  observe?: string[];
  /** Node options for every process (see ServiceProcessOptions.nodeArguments). */
  nodeArguments?: string[];
  /** Services other services reach through a TcpProxy the test can cut (`fleet.proxy(service)`). */
  proxied?: ServiceName[];
  /** Services that reach their own database through a TcpProxy the test can cut (`fleet.databaseProxy`). */
  databaseProxied?: ServiceName[];
}

const CALLEE_URL_VARIABLES: Partial<Record<ServiceName, string>> = {
  [SERVICE_CATALOG.user.name]: 'USER_SERVICE_URL',
  [SERVICE_CATALOG.billing.name]: 'BILLING_SERVICE_URL',
  [SERVICE_CATALOG.device.name]: 'DEVICE_SERVICE_URL',
};
const DEFAULT_RETRY_DELAYS = [1000, 5000, 30000, 120000];
const DEVICE = SERVICE_CATALOG.device.name;

/**
 * Several services of the platform as built processes, wired as in production: shared secrets and
 * event exchange, each service on its own fresh migrated database and Redis prefix, callers pointed
 * at their callees (optionally through a cuttable TcpProxy). Callees start first. `stop()` removes
 * everything it created.
 */
export class ServiceFleet {
  readonly processes: Partial<Record<ServiceName, ServiceProcess[]>> = {};
  readonly databases: Partial<Record<ServiceName, TestDatabase>> = {};
  private readonly proxies: Partial<Record<ServiceName, TcpProxy>> = {};
  private readonly databaseProxies: Partial<Record<ServiceName, TcpProxy>> = {};
  private forward: TcpProxy | null = null;
  private readonly calleeUrls: Record<string, string> = {};

  private constructor(
    readonly namespace: string,
    readonly secrets: TestSecrets,
    readonly observer: EventObserver,
    private readonly options: ServiceFleetOptions,
  ) {}

  /** Signs user, admin and service tokens every process of the fleet accepts. */
  get tokens(): TestTokens {
    return new TestTokens(this.secrets, 'test-caller');
  }

  static async start(options: ServiceFleetOptions): Promise<ServiceFleet> {
    const namespace = uniqueTestId('fleet');
    const observer = await EventObserver.connect(`${namespace}.events`);
    const fleet = new ServiceFleet(namespace, createTestSecrets(), observer, options);
    try {
      if (options.observe?.length) await observer.observe(...options.observe);
      const services = Object.keys(options.processes) as ServiceName[];
      await Promise.all(
        services.map(async (service) => (fleet.databases[service] = await createTestDatabase(service))),
      );
      for (const service of options.databaseProxied ?? []) {
        const target = new URL(fleet.databases[service]?.url ?? '');
        fleet.databaseProxies[service] = await new TcpProxy(
          target.hostname,
          Number(target.port || 5432),
        ).start();
      }
      // Callees first, so their URLs are known to the services that call them. user- and
      // billing-service also call device-service (quota reconciliation, meters), which calls them:
      // they reach it through a proxy opened now and pointed at it once it listens.
      if (services.includes(DEVICE)) {
        fleet.forward = await new TcpProxy('127.0.0.1', 0).start();
        fleet.calleeUrls.DEVICE_SERVICE_URL = `http://127.0.0.1:${fleet.forward.port}`;
      }
      const order = [...services].sort((left, right) => rank(left) - rank(right));
      for (const service of order) {
        await fleet.startProcesses(service, options.processes[service] ?? 0);
        const callee = CALLEE_URL_VARIABLES[service];
        const first = fleet.processes[service]?.[0];
        if (!callee || !first) continue;
        fleet.calleeUrls[callee] = await fleet.reachableUrl(service, first.url);
        if (service === DEVICE) fleet.forward?.retarget(fleet.calleeUrls[callee]);
      }
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  /** Base URL of one process of `service`. */
  url(service: ServiceName, index = 0): string {
    const process = this.processes[service]?.[index];
    if (!process) throw new Error(`${service} has no process #${index} in this fleet`);
    return process.url;
  }

  /** The proxy in front of `service` (listed in `proxied`), to cut or restore. */
  proxy(service: ServiceName): TcpProxy {
    const proxy = this.proxies[service];
    if (!proxy) throw new Error(`${service} is not proxied in this fleet`);
    return proxy;
  }

  /** The proxy between `service` and its database (listed in `databaseProxied`), to cut or restore. */
  databaseProxy(service: ServiceName): TcpProxy {
    const proxy = this.databaseProxies[service];
    if (!proxy) throw new Error(`${service}'s database is not proxied in this fleet`);
    return proxy;
  }

  /** The environment a process of `service` runs with (for booting it in the test's own process). */
  environmentFor(service: ServiceName): Record<string, string> {
    const database = this.databases[service];
    if (!database) throw new Error(`${service} has no database in this fleet`);
    const databaseProxy = this.databaseProxies[service];
    return serviceEnvironment({
      databaseUrl: databaseProxy ? databaseProxy.wrap(database.url) : database.url,
      redisKeyPrefix: `${this.namespace}-${service}`,
      messagingNamespace: this.namespace,
      secrets: this.secrets,
      overrides: {
        ...this.calleeUrls,
        ...this.options.environment,
        ...this.options.serviceEnvironment?.[service],
      },
    });
  }

  /** Stops every process (SIGKILL: tests about shutdown use ServiceProcess directly) and cleans up. */
  async stop(): Promise<void> {
    const all = Object.values(this.processes).flat();
    await Promise.all(all.map((process) => process.stop('SIGKILL')));
    for (const proxy of [
      ...Object.values(this.proxies),
      ...Object.values(this.databaseProxies),
      ...(this.forward ? [this.forward] : []),
    ]) {
      await proxy.close();
    }
    for (const database of Object.values(this.databases)) await database.drop().catch(() => undefined);
    const queues = Object.keys(this.databases).flatMap((service) =>
      consumerQueueNames(this.namespace, service, DEFAULT_RETRY_DELAYS),
    );
    await this.observer.cleanUp(queues);
    await deleteRedisKeys(`${this.namespace}-`);
  }

  private async startProcesses(service: ServiceName, count: number): Promise<void> {
    const started = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        ServiceProcess.start({
          service,
          env: { ...this.environmentFor(service), INSTANCE_ID: `${service}-${index + 1}` },
          nodeArguments: this.options.nodeArguments,
          startTimeoutMs: 60_000,
        }),
      ),
    );
    this.processes[service] = started;
  }

  private async reachableUrl(service: ServiceName, url: string): Promise<string> {
    if (!this.options.proxied?.includes(service)) return url;
    const target = new URL(url);
    const proxy = await new TcpProxy(target.hostname, Number(target.port)).start();
    this.proxies[service] = proxy;
    return proxy.wrap(url).replace(/\/$/, '');
  }
}

/** Services others call start first. */
/** Callees of callees first: device-service calls user- and billing-service, proxy-service calls it. */
function rank(service: ServiceName): number {
  if (service === DEVICE) return 1;
  return CALLEE_URL_VARIABLES[service] ? 0 : 2;
}
