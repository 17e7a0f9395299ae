import {
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  serviceEnvironment,
  ServiceProcess,
  TestTokens,
  type TestDatabase,
  type TestSecrets,
} from '@cloudphone/shared/testing';

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** The bootstrap admin every harness configures. */
export const BOOTSTRAP_ADMIN = { email: 'Operator@Example.com', password: 'bootstrap-admin-secret' };

/**
 * One built user-service process on a fresh migrated database, with tokens signed by the same
 * secrets and a small JSON client. Call `close()` in afterAll.
 */
export class UserServiceHarness {
  private constructor(
    readonly database: TestDatabase,
    readonly secrets: TestSecrets,
    readonly process: ServiceProcess,
    readonly tokens: TestTokens,
    /** Records the `user.*` events the service publishes (and gives them a queue to be routed to). */
    readonly events: EventObserver,
  ) {}

  static async start(overrides: Record<string, string> = {}): Promise<UserServiceHarness> {
    const database = await createTestDatabase('user-service');
    const secrets = createTestSecrets();
    const env = serviceEnvironment({
      databaseUrl: database.url,
      secrets,
      overrides: {
        ADMIN_EMAIL: BOOTSTRAP_ADMIN.email,
        ADMIN_PASSWORD: BOOTSTRAP_ADMIN.password,
        ...overrides,
      },
    });
    const events = await EventObserver.connect(env.EVENTS_EXCHANGE);
    try {
      await events.observe('user.#');
      const process = await ServiceProcess.start({ service: 'user-service', env });
      return new UserServiceHarness(
        database,
        secrets,
        process,
        new TestTokens(secrets, 'device-service'),
        events,
      );
    } catch (error) {
      await events.cleanUp([]);
      await database.drop();
      throw error;
    }
  }

  get url(): string {
    return this.process.url;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(`${this.url}/${path.replace(/^\//, '')}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** Creates a user through the admin API and returns its id. */
  async createUser(
    fields: { email?: string; password?: string; tier?: string; roles?: string[] } = {},
  ): Promise<string> {
    const answer = await this.request<{ id: string }>('POST', 'users', {
      token: this.tokens.admin(),
      body: {
        email: fields.email ?? `user-${Math.random().toString(36).slice(2)}@example.com`,
        password: fields.password ?? 'a-long-enough-password',
        displayName: 'Test user',
        ...(fields.tier && { tier: fields.tier }),
        ...(fields.roles && { roles: fields.roles }),
      },
    });
    if (answer.status !== 201) throw new Error(`creating a user answered ${answer.status}`);
    return answer.body.id;
  }

  async count(table: string): Promise<number> {
    const rows = await this.database.query<{ count: string }>(`SELECT count(*) AS count FROM ${table}`);
    return Number(rows[0].count);
  }

  /** Log lines at error level or worse (a 500 logs one). */
  errorLogs(): unknown[] {
    return this.process.logsAtLevel('error', 'fatal');
  }

  async close(): Promise<void> {
    await this.process.stop('SIGKILL');
    await this.events.cleanUp([]);
    await this.database.drop();
  }
}
