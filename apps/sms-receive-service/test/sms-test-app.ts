import { SERVICE_CATALOG } from '@cloudphone/contracts';
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
import { SmsReceiveServiceConfig } from '../src/config/sms-receive-service.config';

const RETRY_DELAYS = [1000, 5000, 30000, 120000];

/**
 * sms-receive-service in this process (real Postgres and RabbitMQ, port 0) on a fresh migrated
 * database, with device-, user- and billing-service as a ScriptedPlatform, and an observer
 * recording `sms.#`. Jobs run only when a test calls them.
 */
export class SmsTestApp {
  private constructor(
    readonly service: RunningService,
    readonly db: TestDatabase,
    readonly observer: EventObserver,
    readonly tokens: TestTokens,
    readonly namespace: string,
    readonly platform: ScriptedPlatform,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<SmsTestApp> {
    const db = await createTestDatabase('sms-receive-service');
    const namespace = uniqueTestId('sms');
    const observer = await EventObserver.connect(`${namespace}.events`);
    await observer.observe('sms.#');
    const platform = await ScriptedPlatform.start();
    const secrets = createTestSecrets();
    const config = loadConfig(
      SmsReceiveServiceConfig,
      serviceEnvironment({
        databaseUrl: db.url,
        messagingNamespace: namespace,
        secrets,
        overrides: {
          LOG_LEVEL: 'error',
          ...platform.environment,
          CRON_SCHEDULE_OVERRIDES: JSON.stringify({ '*': { disabled: true } }),
          ...env,
        },
      }),
    );
    const service = await bootstrapService({
      rootModule: AppModule.forRoot(config),
      config,
      port: 0,
      description: 'sms-receive-service under test',
      ownsProcess: false,
    });
    return new SmsTestApp(
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

  publish<T>(type: string, data: T): Promise<void> {
    return publishEventTo(
      this.observer,
      { namespace: this.namespace, service: SERVICE_CATALOG.smsReceive.name },
      type,
      data,
    );
  }

  /** Events of `type` the observer received so far. */
  events<T>(type: string): T[] {
    return this.observer.received
      .filter(({ envelope }) => envelope.type === type)
      .map(({ envelope }) => envelope.data as T);
  }

  async close(): Promise<void> {
    await this.service.app.close();
    await this.observer.cleanUp(
      consumerQueueNames(this.namespace, SERVICE_CATALOG.smsReceive.name, RETRY_DELAYS),
    );
    await this.platform.close();
    await this.db.drop();
  }
}
