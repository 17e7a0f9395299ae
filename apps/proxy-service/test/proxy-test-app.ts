import { randomUUID } from 'node:crypto';
import {
  type AllocationResponse,
  type EventEnvelope,
  PROXY_ROUTES,
  type ProxyProviderResponse,
  type ProxyResponse,
  SERVICE_CATALOG,
} from '@cloudphone/contracts';
import { bootstrapService, loadConfig, type RunningService } from '@cloudphone/shared';
import {
  consumerQueueNames,
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  type RecordedRequest,
  ScriptedHttpServer,
  serviceEnvironment,
  type TestDatabase,
  TestTokens,
  uniqueTestId,
  waitFor,
} from '@cloudphone/shared/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { ProxyServiceConfig } from '../src/config/proxy-service.config';

/** What the scripted device-service knows: allocation id → its owner and status. */
export type KnownAllocations = Map<string, Pick<AllocationResponse, 'userId' | 'status'>>;

/**
 * proxy-service in this process (real Postgres and RabbitMQ, port 0) on a fresh migrated database,
 * with device-service, user-service and billing-service as real HTTP servers on loopback that
 * answer as the test scripts them, and an observer recording `proxy.#` events.
 */
export class ProxyTestApp {
  private constructor(
    readonly service: RunningService,
    readonly db: TestDatabase,
    readonly observer: EventObserver,
    readonly tokens: TestTokens,
    readonly namespace: string,
    readonly deviceService: ScriptedHttpServer,
    readonly userService: ScriptedHttpServer,
    readonly billingService: ScriptedHttpServer,
    /** What the scripted servers answer from: a test changes their answers by changing these. */
    readonly allocations: KnownAllocations,
    readonly goneUsers: Set<string>,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ProxyTestApp> {
    const db = await createTestDatabase('proxy-service');
    const namespace = uniqueTestId('proxy');
    const observer = await EventObserver.connect(`${namespace}.events`);
    // Bound before any event exists, so the relay never finds proxy events unroutable.
    await observer.observe('proxy.#');
    const allocations: KnownAllocations = new Map();
    const goneUsers = new Set<string>();
    const deviceService = await ScriptedHttpServer.start((recorded) =>
      answerDeviceService(recorded, allocations),
    );
    const userService = await ScriptedHttpServer.start((recorded) => {
      const id = recorded.url.split('/').pop() ?? '';
      return goneUsers.has(id)
        ? { status: 404, body: { code: 'USER_NOT_FOUND', message: 'gone' } }
        : userAnswer(id);
    });
    const billingService = await ScriptedHttpServer.start((recorded) => answerBilling(recorded));
    const secrets = createTestSecrets();
    const config = loadConfig(
      ProxyServiceConfig,
      serviceEnvironment({
        databaseUrl: db.url,
        messagingNamespace: namespace,
        secrets,
        overrides: {
          LOG_LEVEL: 'error',
          DEVICE_SERVICE_URL: deviceService.url,
          USER_SERVICE_URL: userService.url,
          BILLING_SERVICE_URL: billingService.url,
          // Jobs run when a test calls them, never on their own schedule.
          CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }),
          ...env,
        },
      }),
    );
    const service = await bootstrapService({
      rootModule: AppModule.forRoot(config),
      config,
      port: 0,
      description: 'proxy-service under test',
      ownsProcess: false,
    });
    return new ProxyTestApp(
      service,
      db,
      observer,
      new TestTokens(secrets, 'device-service'),
      namespace,
      deviceService,
      userService,
      billingService,
      allocations,
      goneUsers,
    );
  }

  get http() {
    return request(this.service.url);
  }

  get<T>(type: new (...args: never[]) => T): T {
    return this.service.app.get(type);
  }

  as(token: string) {
    const auth = (call: request.Test) => call.set('Authorization', `Bearer ${token}`);
    return {
      get: (path: string) => auth(this.http.get(`/${path}`)),
      post: (path: string, body?: object) => auth(this.http.post(`/${path}`)).send(body ?? {}),
      put: (path: string, body: object) => auth(this.http.put(`/${path}`)).send(body),
      patch: (path: string, body: object) => auth(this.http.patch(`/${path}`)).send(body),
      delete: (path: string) => auth(this.http.delete(`/${path}`)),
    };
  }

  get admin() {
    return this.as(this.tokens.admin());
  }

  user(userId: string) {
    return this.as(this.tokens.user({ userId }));
  }

  /** A provider and `count` proxies of it in `countryCode`, all added through the admin API. */
  async seedProxies(
    count: number,
    options: { countryCode?: string; provider?: string; type?: string; costPerHourMicros?: number } = {},
  ): Promise<{ provider: ProxyProviderResponse; proxies: ProxyResponse[] }> {
    const name = options.provider ?? uniqueTestId('manual').slice(0, 60);
    const created = await this.admin.post(PROXY_ROUTES.providers, { name, kind: 'manual' });
    const provider = (
      created.status === 201 ? created.body : await this.providerNamed(name)
    ) as ProxyProviderResponse;
    const proxies: ProxyResponse[] = [];
    for (let index = 0; index < count; index++) {
      const answer = await this.admin
        .post(PROXY_ROUTES.pool, {
          provider: name,
          host: `198.51.100.${(index % 250) + 1}`,
          port: 10_000 + index,
          protocol: 'http',
          countryCode: options.countryCode ?? 'DE',
          type: options.type ?? 'datacenter',
          username: `user-${index}`,
          password: `secret-${index}`,
          costPerHourMicros: options.costPerHourMicros ?? 1_000_000,
          costPerGbMicros: 400_000_000,
        })
        .expect(201);
      proxies.push(answer.body as ProxyResponse);
    }
    return { provider, proxies };
  }

  /** Publishes a domain event to the service's queue once its consumer is bound. */
  async publish<T>(type: string, data: T): Promise<void> {
    const [queue] = consumerQueueNames(
      this.namespace,
      SERVICE_CATALOG.proxy.name,
      [1000, 5000, 30000, 120000],
    );
    await waitFor(async () => (await this.observer.consumerCount(queue)) > 0, {
      timeoutMs: 10_000,
      description: 'proxy-service consuming its queue',
    });
    const envelope: EventEnvelope<T> = {
      id: randomUUID(),
      type: type as EventEnvelope['type'],
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'device-service',
      data,
    };
    await this.observer.publishRaw(type, Buffer.from(JSON.stringify(envelope)));
  }

  /** Runs `work` while device-service drops every connection, then lets it answer again. */
  async whileDeviceServiceDown<T>(work: () => Promise<T>): Promise<T> {
    this.deviceService.script(() => ({ destroy: true }));
    try {
      return await work();
    } finally {
      this.deviceService.script((recorded) => answerDeviceService(recorded, this.allocations));
    }
  }

  /** Charges billing-service was asked for, by reference. */
  chargesReceived(): Array<{ reference: string; amountMinor: string; userId: string }> {
    return this.billingService.requests.flatMap((recorded) => {
      const body = JSON.parse(recorded.body || '{}') as { items?: unknown[] };
      return (body.items ?? [body]) as Array<{ reference: string; amountMinor: string; userId: string }>;
    });
  }

  async close(): Promise<void> {
    await this.service.app.close();
    await this.observer.cleanUp(
      consumerQueueNames(this.namespace, SERVICE_CATALOG.proxy.name, [1000, 5000, 30000, 120000]),
    );
    await Promise.all([this.deviceService.close(), this.userService.close(), this.billingService.close()]);
    await this.db.drop();
  }

  private async providerNamed(name: string): Promise<ProxyProviderResponse> {
    const { body } = await this.admin.get(PROXY_ROUTES.providers).expect(200);
    return (body as ProxyProviderResponse[]).find((provider) => provider.name === name)!;
  }
}

function userAnswer(id: string) {
  return {
    status: 200,
    body: { id, email: `${id}@example.test`, status: 'active', roles: ['user'], tier: 'standard' },
  };
}

/** GET scheduler/allocations/:id and POST scheduler/allocations/batch/query, from `allocations`. */
function answerDeviceService(recorded: RecordedRequest, allocations: KnownAllocations) {
  if (recorded.method === 'GET') {
    const id = recorded.url.split('/').pop() ?? '';
    const known = allocations.get(id);
    return known
      ? { status: 200, body: { id, ...known } }
      : { status: 404, body: { code: 'ALLOCATION_NOT_FOUND', message: 'no such allocation' } };
  }
  const { userIds } = JSON.parse(recorded.body) as { userIds: string[] };
  return {
    status: 200,
    body: {
      users: userIds.map((userId) => ({
        userId,
        allocations: [...allocations]
          .filter(([, allocation]) => allocation.userId === userId && allocation.status === 'active')
          .map(([id, allocation]) => ({ id, ...allocation })),
      })),
    },
  };
}

/** billing-service's charge endpoints: every charge recorded, as the real one answers them. */
function answerBilling(recorded: RecordedRequest) {
  const body = JSON.parse(recorded.body || '{}') as {
    items?: Array<{ reference: string; amountMinor: string }>;
  };
  const charged = (item: { reference: string; amountMinor: string }) => ({
    chargeId: randomUUID(),
    reference: item.reference,
    amountMinor: item.amountMinor,
    balanceMinor: '0',
    currency: 'USD',
    recordedAt: new Date().toISOString(),
    duplicate: false,
  });
  if (body.items) {
    return {
      status: 200,
      body: {
        results: body.items.map((item) => ({ reference: item.reference, ok: true, charge: charged(item) })),
      },
    };
  }
  return { status: 200, body: charged(body as { reference: string; amountMinor: string }) };
}
