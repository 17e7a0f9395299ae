import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { LoginResponse, UserQuotaResponse, UserResponse } from '@cloudphone/contracts';
import {
  createTestDatabase,
  repositoryRoot,
  serviceEnvironment,
  ServiceProcess,
  waitFor,
} from '@cloudphone/shared/testing';
import { BOOTSTRAP_ADMIN, UserServiceHarness } from './user-service.harness';

// Users, login and the bootstrap admin against the real built user-service and Postgres.

type ErrorBody = { code: string; message: string; requestId?: string; details?: unknown };

const TOKEN_LIFETIME_SECONDS = 900;

describe('user-service users and login', () => {
  let service: UserServiceHarness;

  const login = (email: string, password: string) =>
    service.request<LoginResponse & ErrorBody>('POST', 'auth/login', { body: { email, password } });
  const patch = (id: string, body: unknown, token = service.tokens.admin()) =>
    service.request<UserResponse & ErrorBody>('PATCH', `users/${id}`, { token, body });

  beforeAll(async () => {
    service = await UserServiceHarness.start({ JWT_EXPIRES_IN_SECONDS: String(TOKEN_LIFETIME_SECONDS) });
  });

  afterAll(async () => {
    await service?.close();
  });

  afterEach(() => {
    expect(service.errorLogs()).toEqual([]);
  });

  const eventsOf = (userId: string) =>
    service.events.received
      .filter(({ envelope }) => (envelope.data as { userId?: string }).userId === userId)
      .map(({ envelope }) => [envelope.type, envelope.data]);

  describe('bootstrap admin', () => {
    it('logs in right after boot, with the email in any case, and gets an admin JWT', async () => {
      const answer = await login(BOOTSTRAP_ADMIN.email.toUpperCase(), BOOTSTRAP_ADMIN.password);

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: TOKEN_LIFETIME_SECONDS,
        user: { email: BOOTSTRAP_ADMIN.email, roles: ['admin', 'user'], status: 'active' },
      });
      const claims = JSON.parse(Buffer.from(answer.body.accessToken.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ sub: answer.body.user.id, roles: ['admin', 'user'], typ: 'user' });
      expect(claims.exp - claims.iat).toBe(TOKEN_LIFETIME_SECONDS);

      const me = await service.request<UserResponse>('GET', 'users/me', { token: answer.body.accessToken });
      expect(me).toEqual({ status: 200, body: answer.body.user });
      const created = await service.request('POST', 'users', {
        token: answer.body.accessToken,
        body: {
          email: `made-by-admin-${randomUUID()}@example.com`,
          password: 'a-long-password',
          displayName: 'X',
        },
      });
      expect(created.status).toBe(201);
    });

    it('is created exactly once when three replicas boot together on a fresh database', async () => {
      const database = await createTestDatabase('user-service');
      const replicas: ServiceProcess[] = [];
      try {
        const started = await Promise.allSettled(
          [1, 2, 3].map(() =>
            ServiceProcess.start({
              service: 'user-service',
              env: serviceEnvironment({
                databaseUrl: database.url,
                overrides: { ADMIN_EMAIL: 'first-admin@example.com', ADMIN_PASSWORD: 'first-admin-password' },
              }),
            }),
          ),
        );
        for (const result of started) if (result.status === 'fulfilled') replicas.push(result.value);
        expect(started.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);

        const admins = await database.query<{ roles: string[]; password_hash: string }>(
          `SELECT roles, password_hash FROM users WHERE email = 'first-admin@example.com'`,
        );
        expect(admins).toHaveLength(1);
        expect(admins[0].roles).toEqual(['admin', 'user']);
        expect(admins[0].password_hash).toMatch(/^scrypt\$15\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
        const outcomes = replicas.flatMap((replica) =>
          replica.logs
            .filter((line) => String(line.msg).startsWith('bootstrap admin'))
            .map((line) => line.msg),
        );
        expect(outcomes.filter((msg) => msg === 'bootstrap admin created')).toHaveLength(1);
        expect(outcomes).toHaveLength(3);
      } finally {
        await Promise.all(replicas.map((replica) => replica.stop('SIGKILL')));
        await database.drop();
      }
    });

    it('stops the process at boot, naming the variable, when only half of it is set or it is malformed', async () => {
      const exits = await Promise.all(
        (
          [
            { ADMIN_EMAIL: 'half@example.com' },
            { ADMIN_EMAIL: 'short@example.com', ADMIN_PASSWORD: 'short' },
            { ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long-enough-password' },
            { JWT_EXPIRES_IN_SECONDS: '-5' },
          ] as Array<Record<string, string>>
        ).map((overrides) => runToExit(service.database.url, overrides)),
      );

      expect(exits.map((exit) => exit.code)).toEqual([1, 1, 1, 1]);
      expect(exits[0].output).toContain('ADMIN_PASSWORD is required when ADMIN_EMAIL is set');
      // The password itself never reaches the output.
      expect(JSON.parse(exits[1].output.trim().split('\n')[0]).problems).toEqual([
        'ADMIN_PASSWORD is malformed: got "***", expected a string of at least 12 characters',
      ]);
      expect(exits[2].output).toContain('ADMIN_EMAIL is malformed');
      expect(exits[3].output).toContain('JWT_EXPIRES_IN_SECONDS is malformed');
    });
  });

  describe('login', () => {
    it('gives the same 401 INVALID_CREDENTIALS for an unknown email and a wrong password', async () => {
      const email = `login-${randomUUID()}@example.com`;
      await service.createUser({ email, password: 'the-right-password' });

      const unknown = await login(`nobody-${randomUUID()}@example.com`, 'the-right-password');
      const wrong = await login(email, 'the-wrong-password');
      const right = await login(email.toUpperCase(), 'the-right-password');

      const withoutRequestId = ({ requestId: _, ...body }: ErrorBody) => body;
      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(withoutRequestId(unknown.body)).toEqual({
        code: 'INVALID_CREDENTIALS',
        message: 'Invalid email, username or password',
      });
      expect(withoutRequestId(wrong.body)).toEqual(withoutRequestId(unknown.body));
      expect(right.status).toBe(200);
      expect(JSON.stringify(right.body)).not.toMatch(/password|scrypt/i);
    });

    it('refuses suspended users (403 only with the right password) and deleted users (401)', async () => {
      const suspendedEmail = `suspended-${randomUUID()}@example.com`;
      const deletedEmail = `deleted-${randomUUID()}@example.com`;
      const suspended = await service.createUser({ email: suspendedEmail, password: 'suspended-password' });
      const deleted = await service.createUser({ email: deletedEmail, password: 'deleted-password' });
      expect((await patch(suspended, { status: 'suspended' })).status).toBe(200);
      expect((await patch(deleted, { status: 'deleted' })).status).toBe(200);

      expect(await login(suspendedEmail, 'suspended-password')).toMatchObject({
        status: 403,
        body: { code: 'ACCOUNT_SUSPENDED' },
      });
      expect((await login(suspendedEmail, 'not-the-password')).body.code).toBe('INVALID_CREDENTIALS');
      expect((await login(deletedEmail, 'deleted-password')).body.code).toBe('INVALID_CREDENTIALS');

      expect((await patch(suspended, { status: 'active' })).status).toBe(200);
      expect((await login(suspendedEmail, 'suspended-password')).status).toBe(200);
    });

    it('treats SQL metacharacters in the email as data', async () => {
      const answer = await login("' OR '1'='1' --", "' OR '1'='1' --");
      expect(answer).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
    });
  });

  describe('users', () => {
    it('creates a user (admin) with defaults, never returning the password, and refuses a taken email', async () => {
      const email = `Ada-${randomUUID()}@Example.com`;
      const created = await service.request<UserResponse>('POST', 'users', {
        token: service.tokens.admin(),
        body: { email, password: 'correct-horse', displayName: 'Ada' },
      });

      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        tenantId: 'default',
        email,
        username: null,
        emailVerified: true,
        displayName: 'Ada',
        roles: ['user'],
        tier: 'free',
        status: 'active',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const taken = await service.request<ErrorBody>('POST', 'users', {
        token: service.tokens.admin(),
        body: { email: email.toLowerCase(), password: 'another-password', displayName: 'Copy' },
      });
      expect(taken).toMatchObject({ status: 409, body: { code: 'EMAIL_TAKEN' } });
      const list = await service.request('GET', 'users?limit=100', { token: service.tokens.admin() });
      expect(JSON.stringify(list.body)).not.toMatch(/password|scrypt/i);
    });

    it('lets exactly one of 5 concurrent creates of one email win', async () => {
      const email = `race-${randomUUID()}@example.com`;
      const answers = await Promise.all(
        [0, 1, 2, 3, 4].map((index) =>
          service.request('POST', 'users', {
            token: service.tokens.admin(),
            body: {
              email: index % 2 ? email.toUpperCase() : email,
              password: 'race-password',
              displayName: 'R',
            },
          }),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409]);
    });

    it('shows a user to an admin, a service or the user themself only', async () => {
      const userId = await service.createUser();
      const otherId = await service.createUser();
      const userToken = service.tokens.user({ userId });

      expect((await service.request('GET', `users/${userId}`, { token: userToken })).status).toBe(200);
      expect((await service.request('GET', `users/me`, { token: userToken })).body).toMatchObject({
        id: userId,
      });
      expect(await service.request('GET', `users/${otherId}`, { token: userToken })).toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      expect(
        (await service.request('GET', `users/${otherId}`, { token: service.tokens.admin() })).status,
      ).toBe(200);
      expect(
        (await service.request('GET', `users/${otherId}`, { token: service.tokens.service() })).status,
      ).toBe(200);
      expect(
        await service.request('GET', `users/${randomUUID()}`, { token: service.tokens.admin() }),
      ).toMatchObject({
        status: 404,
        body: { code: 'USER_NOT_FOUND' },
      });
      expect((await service.request('GET', 'users/me', { token: service.tokens.service() })).status).toBe(
        403,
      );
      expect((await service.request('GET', 'users', { token: userToken })).status).toBe(403);
      expect((await service.request('POST', 'users', { token: userToken, body: {} })).status).toBe(403);
      expect((await service.request('GET', 'users/me')).status).toBe(401);
    });

    it('changes roles, tier and status (admin); a tier change moves default limits but not custom ones', async () => {
      const email = `promoted-${randomUUID()}@example.com`;
      const userId = await service.createUser({ email, password: 'promoted-password' });
      const quota = () =>
        service.request<UserQuotaResponse>('GET', `quotas/${userId}`, { token: service.tokens.admin() });

      const promoted = await patch(userId, {
        roles: ['user', 'admin'],
        tier: 'pro',
        displayName: 'Promoted',
      });
      expect(promoted.body).toMatchObject({ roles: ['user', 'admin'], tier: 'pro', displayName: 'Promoted' });
      expect((await login(email, 'promoted-password')).body.user.roles).toEqual(['user', 'admin']);
      expect((await quota()).body.limits).toEqual({
        devices: 10,
        cpuCores: 40,
        memoryMb: 81920,
        storageGb: 640,
      });

      // Take 3 devices, then a downgrade to free (1 device) must be refused.
      for (let index = 0; index < 3; index++) {
        await service.request('POST', 'quotas/usage', {
          token: service.tokens.service(),
          body: { userId, allocationId: randomUUID(), cpuCores: 1, memoryMb: 1024, storageGb: 8 },
        });
      }
      expect(await patch(userId, { tier: 'free' })).toMatchObject({
        status: 409,
        body: { code: 'LIMIT_BELOW_USAGE' },
      });
      expect(
        (await service.request('GET', `users/${userId}`, { token: service.tokens.admin() })).body,
      ).toMatchObject({ tier: 'pro' });
      expect((await patch(userId, { tier: 'enterprise' })).body).toMatchObject({ tier: 'enterprise' });
      expect((await quota()).body.limits.devices).toBe(100);

      const custom = { devices: 7, cpuCores: 70, memoryMb: 70000, storageGb: 700 };
      await service.request('PUT', `quotas/${userId}/limits`, {
        token: service.tokens.admin(),
        body: custom,
      });
      expect((await patch(userId, { tier: 'standard' })).status).toBe(200);
      expect((await quota()).body).toMatchObject({ limits: custom, usage: { devices: 3 } });

      // Each committed tier change was announced once, in order; the refused downgrade was not.
      expect((await patch(userId, { status: 'suspended' })).status).toBe(200);
      expect((await patch(userId, { status: 'deleted' })).status).toBe(200);
      await waitFor(() => eventsOf(userId).length === 5, { description: 'five user events' });
      expect(eventsOf(userId)).toEqual([
        ['user.tier_changed', { userId, tenantId: 'default', previousTier: 'free', tier: 'pro' }],
        ['user.tier_changed', { userId, tenantId: 'default', previousTier: 'pro', tier: 'enterprise' }],
        ['user.tier_changed', { userId, tenantId: 'default', previousTier: 'enterprise', tier: 'standard' }],
        ['user.suspended', { userId, tenantId: 'default' }],
        ['user.deleted', { userId, tenantId: 'default' }],
      ]);
    });

    it('refuses PATCH from non-admins, empty changes, and an admin locking themself out', async () => {
      const userId = await service.createUser();
      const adminId = randomUUID();

      expect((await patch(userId, { tier: 'pro' }, service.tokens.user({ userId }))).status).toBe(403);
      expect((await patch(userId, { tier: 'pro' }, service.tokens.service())).status).toBe(403);
      expect(await patch(userId, {})).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      expect(await patch(adminId, { status: 'suspended' }, service.tokens.admin(adminId))).toMatchObject({
        status: 409,
        body: { code: 'OWN_ACCESS_CHANGE' },
      });
      expect(await patch(adminId, { roles: ['user'] }, service.tokens.admin(adminId))).toMatchObject({
        status: 409,
      });
      expect(await patch(randomUUID(), { tier: 'pro' })).toMatchObject({
        status: 404,
        body: { code: 'USER_NOT_FOUND' },
      });
    });
  });

  describe('bad input', () => {
    const SQL = "x'); DELETE FROM users; --";

    it('answers 400 VALIDATION_FAILED on every users and auth endpoint and writes nothing', async () => {
      const userId = await service.createUser();
      const good = {
        email: `valid-${randomUUID()}@example.com`,
        password: 'valid-password',
        displayName: 'V',
      };
      const before = {
        users: await service.count('users'),
        quotas: await service.count('user_quotas'),
        snapshot: await service.database.query('SELECT * FROM users ORDER BY id'),
      };
      const admin = service.tokens.admin();
      const cases: Array<[string, string, unknown]> = [
        ['POST', 'users', { ...good, email: SQL }],
        ['POST', 'users', { ...good, email: 42 }],
        ['POST', 'users', { ...good, email: `${'a'.repeat(250)}@example.com` }],
        ['POST', 'users', { ...good, password: 'short' }],
        ['POST', 'users', { ...good, password: 'p'.repeat(257) }],
        ['POST', 'users', { ...good, password: 12345678901 }],
        ['POST', 'users', { ...good, displayName: '' }],
        ['POST', 'users', { ...good, displayName: 'd'.repeat(121) }],
        ['POST', 'users', { ...good, roles: ['superuser'] }],
        ['POST', 'users', { ...good, roles: 'admin' }],
        ['POST', 'users', { ...good, roles: [] }],
        ['POST', 'users', { ...good, roles: ['user', 'user'] }],
        ['POST', 'users', { ...good, tier: 'platinum' }],
        ['POST', 'users', { ...good, tier: SQL }],
        ['POST', 'users', { ...good, tenantId: SQL }],
        ['POST', 'users', { ...good, status: 'active' }],
        ['POST', 'users', { ...good, passwordHash: 'scrypt$1$1$1$AA==$AA==' }],
        ['POST', 'users', { ...good, id: randomUUID() }],
        ['POST', 'users', { email: good.email }],
        ['POST', 'users', [good]],
        ['PATCH', `users/${userId}`, { tier: 'gold' }],
        ['PATCH', `users/${userId}`, { status: 'banned' }],
        ['PATCH', `users/${userId}`, { roles: [SQL] }],
        ['PATCH', `users/${userId}`, { roles: null }],
        ['PATCH', `users/${userId}`, { email: 'new@example.com' }],
        ['PATCH', `users/${userId}`, { tier: -1 }],
        ['PATCH', `users/${encodeURIComponent(SQL)}`, { tier: 'pro' }],
        ['GET', `users/${encodeURIComponent(SQL)}`, undefined],
        ['GET', 'users/12345', undefined],
        ['POST', 'auth/login', { email: 'a@example.com' }],
        ['POST', 'auth/login', { email: 'a@example.com', password: 123 }],
        ['POST', 'auth/login', { email: ['a@example.com'], password: 'x' }],
        ['POST', 'auth/login', { email: '', password: 'x' }],
        ['POST', 'auth/login', { email: 'a@example.com', password: 'p'.repeat(257) }],
        ['POST', 'auth/login', { email: 'a@example.com', password: 'x', remember: true }],
      ];

      const unexpected: unknown[] = [];
      for (const [index, [method, path, body]] of cases.entries()) {
        const answer = await service.request<ErrorBody>(method, path, { token: admin, body });
        if (answer.status !== 400 || answer.body.code !== 'VALIDATION_FAILED') {
          unexpected.push({ index, status: answer.status, code: answer.body.code });
        }
      }
      const malformed = await service.request<ErrorBody>('POST', 'auth/login', { rawBody: '{"email":' });
      if (malformed.status !== 400) unexpected.push({ malformed: malformed.status });

      expect(unexpected).toEqual([]);
      expect({
        users: await service.count('users'),
        quotas: await service.count('user_quotas'),
        snapshot: await service.database.query('SELECT * FROM users ORDER BY id'),
      }).toEqual(before);
    });
  });
});

/** Runs the built user-service with a bad setting until it exits; its code and all its output. */
function runToExit(
  databaseUrl: string,
  overrides: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const main = join(repositoryRoot(), 'dist', 'apps', 'user-service', 'src', 'main.js');
  const env = serviceEnvironment({ databaseUrl, overrides });
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}
