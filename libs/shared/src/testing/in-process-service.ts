import type { DynamicModule } from '@nestjs/common';
import type { ServiceName } from '@cloudphone/contracts';
import request from 'supertest';
import { bootstrapService, type RunningService } from '../bootstrap/bootstrap-service';
import type { PlatformServiceConfig } from '../bootstrap/platform-service.config';
import { loadConfig } from '../config/config-loader';
import { consumerQueueNames } from './consumer-queue-names';
import { cronJobsRunByHand } from './cron-jobs-run-by-hand';
import { EventObserver } from './event-observer';
import { publishEventTo } from './publish-event';
import { ScriptedPlatform } from './scripted-platform';
import { createTestSecrets, serviceEnvironment } from './service-environment';
import { createTestDatabase, type TestDatabase } from './test-database';
import { TestTokens } from './test-tokens';
import { uniqueTestId } from './unique-test-id';

const RETRY_DELAYS = [1000, 5000, 30000, 120000];

export interface InProcessServiceOptions<C extends PlatformServiceConfig> {
  service: ServiceName;
  configClass: new () => C;
  rootModule: (config: C) => DynamicModule;
  /** Routing pattern of the service's own events, recorded from before it starts (e.g. `proxy.#`). */
  observe: string;
  env?: Record<string, string>;
}

/**
 * One service in the test's process (real Postgres and RabbitMQ, port 0) on a fresh migrated
 * database, its calls to device-, user- and billing-service answered by a ScriptedPlatform, its
 * own events recorded, and jobs run only when a test calls them.
 */
export class InProcessService {
  private constructor(
    readonly service: RunningService,
    readonly db: TestDatabase,
    readonly observer: EventObserver,
    readonly tokens: TestTokens,
    readonly platform: ScriptedPlatform,
    private readonly namespace: string,
    private readonly serviceName: ServiceName,
  ) {}

  static async start<C extends PlatformServiceConfig>(
    options: InProcessServiceOptions<C>,
  ): Promise<InProcessService> {
    const db = await createTestDatabase(options.service);
    const namespace = uniqueTestId(options.service.split('-')[0]);
    const observer = await EventObserver.connect(`${namespace}.events`);
    // Bound before any event exists, so the relay never finds the service's events unroutable.
    await observer.observe(options.observe);
    const platform = await ScriptedPlatform.start();
    const secrets = createTestSecrets();
    const config = loadConfig(
      options.configClass,
      serviceEnvironment({
        databaseUrl: db.url,
        messagingNamespace: namespace,
        secrets,
        overrides: {
          LOG_LEVEL: 'error',
          ...platform.environment,
          ...options.env,
          CRON_SCHEDULE_OVERRIDES: cronJobsRunByHand(options.env?.CRON_SCHEDULE_OVERRIDES),
        },
      }),
    );
    const service = await bootstrapService({
      rootModule: options.rootModule(config),
      config,
      port: 0,
      description: `${options.service} under test`,
      ownsProcess: false,
    });
    const tokens = new TestTokens(secrets, 'device-service');
    return new InProcessService(service, db, observer, tokens, platform, namespace, options.service);
  }

  get http() {
    return request(this.service.url);
  }

  get<T>(type: new (...args: never[]) => T): T {
    return this.service.app.get(type);
  }

  /** Requests with `token`, paths relative to the service (no leading slash). */
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

  /** Publishes a domain event to the service's queue once its consumer is bound. */
  publish<T>(type: string, data: T): Promise<void> {
    return publishEventTo(
      this.observer,
      { namespace: this.namespace, service: this.serviceName },
      type,
      data,
    );
  }

  /** The data of the events of `type` recorded so far. */
  events<T>(type: string): T[] {
    return this.observer.received
      .filter(({ envelope }) => envelope.type === type)
      .map(({ envelope }) => envelope.data as T);
  }

  async close(): Promise<void> {
    await this.service.app.close();
    await this.observer.cleanUp(consumerQueueNames(this.namespace, this.serviceName, RETRY_DELAYS));
    await this.platform.close();
    await this.db.drop();
  }
}
