import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ApiKeyIntrospectionResponse,
  ApiKeyResponse,
  CreatedApiKeyResponse,
  UserResponse,
} from '@cloudphone/contracts';
import { UserServiceHarness } from './user-service.harness';

// API keys against the real built user-service and Postgres: shown once, stored as a hash, scoped,
// never admin, revoked at once here, and refused for suspended owners.

type ErrorBody = { code: string; message: string; details?: Record<string, unknown> };
type Page<T> = { items: T[]; total: number };

describe('user-service API keys', () => {
  let service: UserServiceHarness;

  const createKey = (token: string, body: Record<string, unknown>) =>
    service.request<CreatedApiKeyResponse & ErrorBody>('POST', 'auth/api-keys', { token, body });
  const revoke = (token: string, id: string) =>
    service.request<ApiKeyResponse & ErrorBody>('DELETE', `auth/api-keys/${id}`, { token });
  const me = (key: string) => service.request<UserResponse & ErrorBody>('GET', 'users/me', { token: key });
  const introspect = (key: string, token = service.tokens.service()) =>
    service.request<ApiKeyIntrospectionResponse & ErrorBody>('POST', 'auth/api-keys/introspect', {
      token,
      body: { key },
    });
  const keyRow = async (id: string) =>
    (await service.database.query('SELECT * FROM api_keys WHERE id = $1', [id]))[0];

  /** A user (through the admin API) with a JWT of their own. */
  const newUser = async (roles?: string[]) => {
    const userId = await service.createUser(roles ? { roles } : {});
    return { userId, token: service.tokens.user({ userId, roles: roles ?? ['user'] }) };
  };
  const newKey = async (token: string, scopes: string[], extra: Record<string, unknown> = {}) => {
    const answer = await createKey(token, { name: `key-${randomUUID()}`, scopes, ...extra });
    expect(answer.status).toBe(201);
    return answer.body;
  };

  beforeAll(async () => {
    service = await UserServiceHarness.start();
  });

  afterAll(async () => {
    await service?.close();
  });

  afterEach(() => {
    expect(service.errorLogs()).toEqual([]);
  });

  it('shows a new key once, stores only its SHA-256, and lists it by prefix', async () => {
    const { userId, token } = await newUser();
    const created = await createKey(token, { name: 'CI farm', scopes: ['account:read', 'scheduler:write'] });

    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'CI farm',
      prefix: created.body.key.slice(0, 12),
      scopes: ['account:read', 'scheduler:write'],
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: expect.any(String),
      key: expect.stringMatching(/^cpk_[A-Za-z0-9_-]{43}$/),
    });
    const { key } = created.body;

    const row = await keyRow(created.body.id);
    expect(row.user_id).toBe(userId);
    expect((row.key_hash as Buffer).equals(createHash('sha256').update(key).digest())).toBe(true);
    const secret = key.slice(12);
    expect(JSON.stringify(row)).not.toContain(secret);
    const audit = await service.database.query(
      "SELECT event, user_id, details FROM security_audit_events WHERE event LIKE 'api_key.%' AND user_id = $1",
      [userId],
    );
    expect(audit).toEqual([
      {
        event: 'api_key.created',
        user_id: userId,
        details: expect.objectContaining({ keyId: created.body.id }),
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain(secret);

    const list = await service.request<Page<ApiKeyResponse>>('GET', 'auth/api-keys', { token });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, items: [{ id: created.body.id, prefix: key.slice(0, 12) }] });
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.items[0]).not.toHaveProperty('key');
    const strangers = await service.request<Page<ApiKeyResponse>>('GET', 'auth/api-keys', {
      token: (await newUser()).token,
    });
    expect(strangers.body.total).toBe(0);
  });

  it('acts as its owner within its scopes: GET /users/me, then last_used_at, written at most once a minute', async () => {
    const { userId, token } = await newUser();
    const created = await newKey(token, ['account:read']);

    const profile = await me(created.key);
    expect(profile).toMatchObject({ status: 200, body: { id: userId } });
    const firstUse = (await keyRow(created.id)).last_used_at as Date;
    expect(firstUse).toBeInstanceOf(Date);
    expect((await me(created.key)).status).toBe(200);
    expect(((await keyRow(created.id)).last_used_at as Date).getTime()).toBe(firstUse.getTime());
    expect((await service.request('GET', `users/${userId}`, { token: created.key })).status).toBe(200);
    expect((await service.request('GET', `quotas/${userId}`, { token: created.key })).status).toBe(200);
    // A POST that only reads (a quota check) takes a read scope.
    const check = await service.request('POST', 'quotas/check', {
      token: created.key,
      body: { userId, devices: 1, cpuCores: 1, memoryMb: 1024, storageGb: 8 },
    });
    expect(check.status).toBe(200);
  });

  it('refuses routes outside its scopes (403 API_KEY_SCOPE naming the scope) and every admin route', async () => {
    const admin = await newUser(['admin', 'user']);
    const schedulerOnly = await newKey(admin.token, ['scheduler:write']);
    expect(await me(schedulerOnly.key)).toMatchObject({
      status: 403,
      body: { code: 'API_KEY_SCOPE', details: { required: 'account:read' } },
    });

    const accountKey = await newKey(admin.token, ['account:write']);
    for (const [method, path] of [
      ['GET', 'users'],
      ['POST', 'users'],
      ['PATCH', `users/${admin.userId}`],
      ['PUT', `quotas/${admin.userId}/limits`],
      ['POST', 'quotas/usage'],
    ]) {
      const answer = await service.request<ErrorBody>(method, path, {
        token: accountKey.key,
        body: method === 'GET' ? undefined : {},
      });
      expect([path, answer.status, answer.body.code]).toEqual([path, 403, 'FORBIDDEN']);
    }
    // A key never manages keys (a narrow key could mint a wider one), nor reads another user.
    for (const [method, path] of [
      ['GET', 'auth/api-keys'],
      ['POST', 'auth/api-keys'],
      ['DELETE', `auth/api-keys/${accountKey.id}`],
    ]) {
      const answer = await service.request<ErrorBody>(method, path, {
        token: accountKey.key,
        body: method === 'POST' ? { name: 'wider', scopes: ['billing:write'] } : undefined,
      });
      expect([path, answer.status, answer.body.code]).toEqual([path, 403, 'API_KEY_SCOPE']);
    }
    const other = await newUser();
    expect((await service.request('GET', `users/${other.userId}`, { token: accountKey.key })).status).toBe(
      403,
    );
    expect((await introspect(accountKey.key, accountKey.key)).status).toBe(403);
  });

  it('introspects for services only, without the admin role, and stops at once when revoked', async () => {
    const admin = await newUser(['admin', 'user']);
    const created = await newKey(admin.token, ['billing:read', 'sms:write']);

    expect(await introspect(created.key)).toEqual({
      status: 200,
      body: {
        keyId: created.id,
        userId: admin.userId,
        tenantId: 'default',
        roles: ['user'],
        scopes: ['billing:read', 'sms:write'],
        expiresAt: null,
      },
    });
    expect((await introspect(created.key, admin.token)).status).toBe(403);

    const revoked = await revoke(admin.token, created.id);
    expect(revoked).toMatchObject({ status: 200, body: { id: created.id, revokedAt: expect.any(String) } });
    expect(await introspect(created.key)).toMatchObject({ status: 401, body: { code: 'API_KEY_INVALID' } });
    expect(await me(created.key)).toMatchObject({ status: 401, body: { code: 'API_KEY_INVALID' } });
    // Revoking again finds nothing in force: 404, and one audit record.
    expect(await revoke(admin.token, created.id)).toMatchObject({
      status: 404,
      body: { code: 'API_KEY_NOT_FOUND' },
    });
    const audit = await service.database.query(
      "SELECT actor FROM security_audit_events WHERE event = 'api_key.revoked' AND details->>'keyId' = $1",
      [created.id],
    );
    expect(audit).toEqual([{ actor: admin.userId }]);
  });

  it('is revoked by its owner or an admin, never by another user, and its name is free again', async () => {
    const owner = await newUser();
    const created = await newKey(owner.token, ['account:read'], { name: 'Deploy' });
    expect((await createKey(owner.token, { name: 'deploy', scopes: ['account:read'] })).body.code).toBe(
      'API_KEY_NAME_TAKEN',
    );

    const stranger = await newUser();
    expect(await revoke(stranger.token, created.id)).toMatchObject({ status: 404 });
    expect((await me(created.key)).status).toBe(200);
    expect((await revoke(service.tokens.service(), created.id)).status).toBe(403);
    expect((await revoke(service.tokens.admin(), created.id)).status).toBe(200);
    expect((await me(created.key)).status).toBe(401);
    expect((await createKey(owner.token, { name: 'deploy', scopes: ['account:read'] })).status).toBe(201);
    expect((await revoke(owner.token, randomUUID())).status).toBe(404);
    expect((await revoke(owner.token, 'not-a-uuid')).status).toBe(400);
  });

  it('stops working when its owner is suspended, and again when the owner is active', async () => {
    const { userId, token } = await newUser();
    const created = await newKey(token, ['account:read']);
    const setStatus = (status: string) =>
      service.request('PATCH', `users/${userId}`, { token: service.tokens.admin(), body: { status } });

    expect((await setStatus('suspended')).status).toBe(200);
    expect(await me(created.key)).toMatchObject({ status: 401, body: { code: 'API_KEY_INVALID' } });
    expect((await introspect(created.key)).status).toBe(401);
    expect((await createKey(token, { name: 'while suspended', scopes: ['account:read'] })).body.code).toBe(
      'ACCOUNT_NOT_ACTIVE',
    );
    expect((await setStatus('active')).status).toBe(200);
    expect((await me(created.key)).status).toBe(200);
  });

  it('expires at its expiresAt', async () => {
    const { token } = await newUser();
    const created = await newKey(token, ['account:read'], {
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect((await me(created.key)).status).toBe(200);
    await sleep(1700);
    expect(await me(created.key)).toMatchObject({ status: 401, body: { code: 'API_KEY_INVALID' } });
  });

  it('keeps at most 50 keys in force per user, even when creations race', async () => {
    const { userId, token } = await newUser();
    for (let index = 0; index < 47; index += 1) await newKey(token, ['account:read']);
    const racing = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        createKey(token, { name: `racer-${index}`, scopes: ['account:read'] }),
      ),
    );
    expect(racing.map((answer) => answer.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(racing.filter((answer) => answer.status === 409).map((answer) => answer.body.code)).toEqual([
      'API_KEY_LIMIT_REACHED',
      'API_KEY_LIMIT_REACHED',
      'API_KEY_LIMIT_REACHED',
    ]);
    const [{ count }] = await service.database.query<{ count: string }>(
      'SELECT count(*) AS count FROM api_keys WHERE user_id = $1',
      [userId],
    );
    expect(Number(count)).toBe(50);
    const listed = await service.request<Page<ApiKeyResponse>>('GET', 'auth/api-keys?limit=100&active=true', {
      token,
    });
    expect(listed.body.total).toBe(50);
    // One revoked makes room for one more.
    expect((await revoke(token, listed.body.items[0].id)).status).toBe(200);
    expect((await createKey(token, { name: 'room again', scopes: ['account:read'] })).status).toBe(201);
  });

  it('refuses hostile input with a 400 (or 401 for a key) and writes nothing', async () => {
    const { token } = await newUser();
    const before = await service.count('api_keys');
    const audited = await service.count('security_audit_events');
    const refusals: Array<Record<string, unknown>> = [
      { name: 'nul\u0000name', scopes: ['account:read'] },
      { name: 'tab\tname', scopes: ['account:read'] },
      { name: 'x'.repeat(101), scopes: ['account:read'] },
      { name: '', scopes: ['account:read'] },
      { name: 'proto', scopes: ['constructor'] },
      { name: 'proto', scopes: ['__proto__'] },
      { name: 'admin', scopes: ['admin'] },
      { name: 'upper', scopes: ['ACCOUNT:READ'] },
      { name: 'none', scopes: [] },
      { name: 'twice', scopes: ['account:read', 'account:read'] },
      { name: 'null', scopes: null },
      { name: 'past', scopes: ['account:read'], expiresAt: new Date(Date.now() - 1000).toISOString() },
      { name: 'not a date', scopes: ['account:read'], expiresAt: 'tomorrow' },
      { name: 'no zone', scopes: ['account:read'], expiresAt: '2999-01-01T00:00:00' },
      { name: 'extra', scopes: ['account:read'], userId: randomUUID() },
      { name: 'proto field', scopes: ['account:read'], constructor: { prototype: {} } },
    ];
    for (const body of refusals) {
      const answer = await createKey(token, body);
      expect([JSON.stringify(body).slice(0, 60), answer.status, answer.body.code]).toEqual([
        JSON.stringify(body).slice(0, 60),
        400,
        'VALIDATION_FAILED',
      ]);
    }
    const raw = await service.request<ErrorBody>('POST', 'auth/api-keys', {
      token,
      rawBody: '{"name": "raw", "scopes": ["account:read"]',
    });
    expect(raw.status).toBe(400);

    // Too long for the body's field, or text Postgres cannot hold: 400; merely not a key: 401.
    for (const [key, status] of [
      [`cpk_${'A'.repeat(10_000)}`, 400],
      [`cpk_${'A'.repeat(42)}\u0000`, 400],
      ['cpk_', 401],
    ] as const) {
      expect([key.slice(0, 8), (await introspect(key)).status]).toEqual([key.slice(0, 8), status]);
    }
    const longKey = await service.request<ErrorBody>('GET', 'users/me', {
      token: `cpk_${'A'.repeat(10_000)}`,
    });
    expect(longKey).toMatchObject({ status: 401, body: { code: 'API_KEY_INVALID' } });
    expect(await service.count('api_keys')).toBe(before);
    expect(await service.count('security_audit_events')).toBe(audited);
    // A service token has no keys of its own.
    expect(
      (await createKey(service.tokens.service(), { name: 'svc', scopes: ['account:read'] })).status,
    ).toBe(403);
  });
});
