import {
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
  publishEventTo,
  ScriptedPlatform,
  serviceEnvironment,
  type TestDatabase,
  TestTokens,
  uniqueTestId,
} from '@cloudphone/shared/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { ProxyServiceConfig } from '../src/config/proxy-service.config';

const RETRY_DELAYS = [1000, 5000, 30000, 120000];

/**
 * proxy-service in this process (real Postgres and RabbitMQ, port 0) on a fresh migrated database,
 * with device-, user- and billing-service as a ScriptedPlatform, and an observer recording `proxy.#`.
 */
export class ProxyTestApp {
  private constructor(
    readonly service: RunningService,
    readonly db: TestDatabase,
    readonly observer: EventObserver,
    readonly tokens: TestTokens,
    readonly namespace: string,
    readonly platform: ScriptedPlatform,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ProxyTestApp> {
    const db = await createTestDatabase('proxy-service');
    const namespace = uniqueTestId('proxy');
    const observer = await EventObserver.connect(`${namespace}.events`);
    // Bound before any event exists, so the relay never finds proxy events unroutable.
    await observer.observe('proxy.#');
    const platform = await ScriptedPlatform.start();
    const secrets = createTestSecrets();
    const config = loadConfig(
      ProxyServiceConfig,
      serviceEnvironment({
        databaseUrl: db.url,
        messagingNamespace: namespace,
        secrets,
        overrides: {
          LOG_LEVEL: 'error',
          ...platform.environment,
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
      platform,
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
  publish<T>(type: string, data: T): Promise<void> {
    return publishEventTo(
      this.observer,
      { namespace: this.namespace, service: SERVICE_CATALOG.proxy.name },
      type,
      data,
    );
  }

  async close(): Promise<void> {
    await this.service.app.close();
    await this.observer.cleanUp(consumerQueueNames(this.namespace, SERVICE_CATALOG.proxy.name, RETRY_DELAYS));
    await this.platform.close();
    await this.db.drop();
  }

  private async providerNamed(name: string): Promise<ProxyProviderResponse> {
    const { body } = await this.admin.get(PROXY_ROUTES.providers).expect(200);
    return (body as ProxyProviderResponse[]).find((provider) => provider.name === name)!;
  }
}
