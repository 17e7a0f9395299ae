import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, HttpCode, type INestApplication, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ApiKeyIntrospectionResponse } from '@cloudphone/contracts';
import { RequireRoles } from '../auth/access.decorators';
import { ApiKeyScope } from '../auth/api-key-scope.decorator';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ADMIN_ROLE, type Principal } from '../auth/principal';
import { TokenService } from '../auth/token.service';
import { InfrastructureModule } from '../bootstrap/infrastructure.module';
import { PlatformServiceConfig } from '../bootstrap/platform-service.config';
import { loadConfig } from '../config/config-loader';
import { requestIdMiddleware } from '../logging/request-id.middleware';
import {
  type RecordedRequest,
  ScriptedHttpServer,
  type ScriptedReply,
} from '../testing/scripted-http-server';
import { createTestSecrets, serviceEnvironment } from '../testing/service-environment';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';

// Another service accepting API keys as every service but user-service does: the global guard asks
// a real HTTP server speaking user-service's introspection route (with the service token), remembers
// the answers for API_KEY_CACHE_TTL_MS, and answers 503 (not 401) while user-service is down.

class BillingLikeConfig extends PlatformServiceConfig {
  readonly serviceName = 'billing-service';
}

@ApiKeyScope('billing')
@Controller('probe')
class ProbeController {
  @Get('account')
  account(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Post('top-up')
  @HttpCode(200)
  topUp(): { ok: boolean } {
    return { ok: true };
  }

  @Get('admin')
  @RequireRoles(ADMIN_ROLE)
  admin(): { ok: boolean } {
    return { ok: true };
  }
}

const VALID_TTL_MS = 600;
const INVALID_TTL_MS = 400;
const OWNER = 'a1a1a1a1-0000-4000-8000-000000000001';
let keyCounter = 0;
/** A well-formed key, new every call. */
const newKey = () => `cpk_${String((keyCounter += 1)).padStart(43, 'k')}`;

describe('API keys accepted through user-service introspection over HTTP', () => {
  const secrets = createTestSecrets();
  const serviceTokens = new TokenService(secrets.jwtSecret, secrets.serviceTokenSecret, 'user-service');
  /** The keys the fake user-service vouches for. */
  const grants = new Map<string, ApiKeyIntrospectionResponse>();
  let database: TestDatabase;
  let userService: ScriptedHttpServer;
  let app: INestApplication;
  let appUrl: string;

  /** user-service's introspection route: only for service tokens; 401 API_KEY_INVALID for unknown keys. */
  const introspection = (request: RecordedRequest): ScriptedReply => {
    if (request.method !== 'POST' || request.url !== '/auth/api-keys/introspect') {
      return { status: 404, body: { code: 'NOT_FOUND', message: 'no such route' } };
    }
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (serviceTokens.verify(token)?.kind !== 'service') {
      return { status: 401, body: { code: 'UNAUTHENTICATED', message: 'Invalid or expired token' } };
    }
    const grant = grants.get((JSON.parse(request.body) as { key: string }).key);
    return grant
      ? { status: 200, body: grant }
      : { status: 401, body: { code: 'API_KEY_INVALID', message: 'Invalid API key' } };
  };
  const grantFor = (key: string, scopes: string[]) =>
    grants.set(key, {
      keyId: `key-${key.slice(-4)}`,
      userId: OWNER,
      tenantId: 'acme',
      roles: [ADMIN_ROLE, 'user'],
      scopes,
      expiresAt: null,
    });
  const call = async (path: string, token: string, method = 'GET') => {
    const response = await fetch(`${appUrl}/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    database = await createTestDatabase('billing-service', { migrate: false });
    userService = await ScriptedHttpServer.start(introspection);
    const config = loadConfig(
      BillingLikeConfig,
      serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        overrides: {
          USER_SERVICE_URL: userService.url,
          API_KEY_CACHE_TTL_MS: String(VALID_TTL_MS),
          API_KEY_INVALID_CACHE_TTL_MS: String(INVALID_TTL_MS),
          HTTP_CLIENT_MAX_RETRIES: '1',
          HTTP_CLIENT_BACKOFF_BASE_MS: '5',
          // Room for a busy machine: the down cases below fail by a refused connection, not by timing out.
          HTTP_CLIENT_ATTEMPT_TIMEOUT_MS: '3000',
        },
      }),
    );
    app = await NestFactory.create(
      {
        module: class ProbeAppModule {},
        imports: [InfrastructureModule.forRoot({ config })],
        controllers: [ProbeController],
      },
      { logger: false },
    );
    app.use(requestIdMiddleware);
    await app.listen(0, '127.0.0.1');
    appUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await userService?.close();
    await database?.drop();
  });

  beforeEach(() => userService.script(introspection));

  it('accepts a key user-service vouches for, as its owner without admin, asking once per cache time', async () => {
    const key = newKey();
    grantFor(key, ['billing:read']);

    const first = await call('probe/account', key);
    expect(first).toEqual({
      status: 200,
      body: {
        kind: 'user',
        userId: OWNER,
        tenantId: 'acme',
        roles: ['user'],
        apiKey: { id: `key-${key.slice(-4)}`, scopes: ['billing:read'] },
      },
    });
    expect(userService.requests).toHaveLength(1);
    const [asked] = userService.requests;
    expect(JSON.parse(asked.body)).toEqual({ key });
    const token = /^Bearer (\S+)$/.exec(asked.headers.authorization ?? '')?.[1] ?? '';
    expect(serviceTokens.verify(token)).toEqual({ kind: 'service', service: 'billing-service' });

    for (let index = 0; index < 5; index += 1) expect((await call('probe/account', key)).status).toBe(200);
    expect(userService.requests).toHaveLength(1);
    await sleep(VALID_TTL_MS + 100);
    expect((await call('probe/account', key)).status).toBe(200);
    expect(userService.requests).toHaveLength(2);
  });

  it('holds a key to its scopes and never lets it reach admin routes', async () => {
    const reader = newKey();
    grantFor(reader, ['billing:read']);
    expect(await call('probe/top-up', reader, 'POST')).toMatchObject({
      status: 403,
      body: { code: 'API_KEY_SCOPE', details: { required: 'billing:write' } },
    });
    const writer = newKey();
    grantFor(writer, ['billing:write']);
    expect((await call('probe/top-up', writer, 'POST')).status).toBe(200);
    expect(await call('probe/admin', writer)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const other = newKey();
    grantFor(other, ['sms:write']);
    expect((await call('probe/account', other)).body).toMatchObject({ code: 'API_KEY_SCOPE' });
  });

  it('sees a revocation once the cached answer expires, and remembers the refusal for a while', async () => {
    const key = newKey();
    grantFor(key, ['billing:read']);
    expect((await call('probe/account', key)).status).toBe(200);

    grants.delete(key);
    expect((await call('probe/account', key)).status).toBe(200);
    await sleep(VALID_TTL_MS + 100);
    expect(await call('probe/account', key)).toMatchObject({
      status: 401,
      body: { code: 'API_KEY_INVALID' },
    });
    expect(userService.requests).toHaveLength(2);
    expect((await call('probe/account', key)).status).toBe(401);
    expect(userService.requests).toHaveLength(2);
    await sleep(INVALID_TTL_MS + 100);
    expect((await call('probe/account', key)).status).toBe(401);
    expect(userService.requests).toHaveLength(3);
  });

  it('asks once for concurrent requests with one key, and never for a malformed key', async () => {
    const key = newKey();
    grantFor(key, ['billing:read']);
    userService.script((request) => ({ ...introspection(request), delayMs: 100 }) as ScriptedReply);
    const answers = await Promise.all(Array.from({ length: 8 }, () => call('probe/account', key)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(userService.requests).toHaveLength(1);

    for (const malformed of ['cpk_short', `cpk_${'A'.repeat(10_000)}`, `${key}=`]) {
      expect(await call('probe/account', malformed)).toMatchObject({
        status: 401,
        body: { code: 'API_KEY_INVALID' },
      });
    }
    expect(userService.requests).toHaveLength(1);
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE, not 401, while user-service is down or refuses this service', async () => {
    const cached = newKey();
    grantFor(cached, ['billing:read']);
    expect((await call('probe/account', cached)).status).toBe(200);
    const key = newKey();
    grantFor(key, ['billing:read']);

    userService.script(() => ({ destroy: true }));
    expect(await call('probe/account', key)).toMatchObject({
      status: 503,
      body: { code: 'DEPENDENCY_UNAVAILABLE', details: { dependency: 'user-service' } },
    });
    // A key already vouched for keeps working while its answer is fresh.
    expect((await call('probe/account', cached)).status).toBe(200);

    // A user-service that refuses this service's token is a platform fault: 503 too, never cached.
    userService.script(() => ({ status: 401, body: { code: 'UNAUTHENTICATED', message: 'bad token' } }));
    expect(await call('probe/account', key)).toMatchObject({
      status: 503,
      body: { code: 'DEPENDENCY_UNAVAILABLE', details: { reason: '401 UNAUTHENTICATED' } },
    });

    userService.script(introspection);
    expect((await call('probe/account', key)).status).toBe(200);
  });

  it('leaves user JWTs and service tokens alone', async () => {
    const jwt = new TokenService(secrets.jwtSecret, secrets.serviceTokenSecret, 'test').signUserToken(
      { sub: OWNER, roles: ['user'], tenantId: 'acme' },
      60,
    );
    expect(await call('probe/account', jwt)).toMatchObject({ status: 200, body: { userId: OWNER } });
    expect((await call('probe/account', serviceTokens.serviceToken())).status).toBe(200);
    expect(userService.requests).toHaveLength(0);
  });
});
