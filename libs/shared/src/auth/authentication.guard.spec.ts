import { Controller, type ExecutionContext, Get, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../errors/app-error';
import { RequireRoles, ServiceTokenOnly } from './access.decorators';
import { ApiKeyScope } from './api-key-scope.decorator';
import { apiKeyPrincipal, type ApiKeyVerifier } from './api-key-verifier';
import { AuthenticationGuard } from './authentication.guard';
import { PRINCIPAL_REQUEST_KEY } from './current-principal.decorator';
import { ADMIN_ROLE, type Principal } from './principal';
import { Public } from './public.decorator';
import { TokenService } from './token.service';

// The guard's rules for API keys, on decorated handlers as Nest would hand them over: which routes
// a key reaches, with which scope, and that roles and service-only routes hold for keys too.

const OWNER = 'a1a1a1a1-0000-4000-8000-000000000001';
const keyWith = (letter: string) => `cpk_${letter.repeat(43)}`;

@ApiKeyScope('scheduler')
@Controller()
class SchedulerRoutes {
  @Get('allocations')
  list(): string {
    return 'list';
  }

  @Post('allocations')
  allocate(): string {
    return 'allocate';
  }

  @Post('allocations/query')
  @ApiKeyScope('scheduler', 'read')
  query(): string {
    return 'query';
  }

  @Get('me')
  @ApiKeyScope('account')
  me(): string {
    return 'me';
  }

  @Get('stats')
  @RequireRoles(ADMIN_ROLE)
  stats(): string {
    return 'stats';
  }

  @Post('usage')
  @ServiceTokenOnly()
  usage(): string {
    return 'usage';
  }

  @Get('open')
  @Public()
  open(): string {
    return 'open';
  }
}

@Controller()
class ClosedRoutes {
  @Get('api-keys')
  keys(): string {
    return 'keys';
  }
}

type Routes = typeof SchedulerRoutes | typeof ClosedRoutes;

describe('AuthenticationGuard with API keys', () => {
  const tokens = new TokenService('j'.repeat(32), 's'.repeat(32), 'test-service');
  // Keys by their letter: the scopes each one carries; its owner is an admin, which keys never are.
  const scopesOf: Record<string, string[]> = {
    r: ['scheduler:read'],
    w: ['scheduler:write'],
    a: ['account:read', 'billing:write'],
  };
  const verifier = {
    verify: jest.fn(async (key: string) => {
      const scopes = scopesOf[key[4]];
      if (!scopes) return null;
      return apiKeyPrincipal({
        keyId: `key-${key[4]}`,
        userId: OWNER,
        tenantId: 'acme',
        roles: [ADMIN_ROLE, 'user'],
        scopes,
        expiresAt: null,
      });
    }),
  } satisfies ApiKeyVerifier;
  const guard = new AuthenticationGuard(new Reflector(), tokens, verifier);

  const call = async (
    routes: Routes,
    handler: string,
    method: string,
    token: string,
  ): Promise<{ principal?: Principal; refusal?: { status: number; code: string; details?: unknown } }> => {
    const request: Record<string, unknown> = {
      method,
      header: (name: string) => (name === 'authorization' ? `Bearer ${token}` : undefined),
    };
    const context = {
      getType: () => 'http',
      getHandler: () => (routes.prototype as unknown as Record<string, unknown>)[handler],
      getClass: () => routes,
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    try {
      await guard.canActivate(context);
      return { principal: request[PRINCIPAL_REQUEST_KEY] as Principal | undefined };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { refusal: { status: error.httpStatus, code: error.code, details: error.details } };
    }
  };
  const scopeRefusal = (required: string | null) => ({
    refusal: { status: 403, code: 'API_KEY_SCOPE', details: expect.objectContaining({ required }) },
  });

  beforeEach(() => verifier.verify.mockClear());

  it.each([
    ['GET', 'list', 'r'],
    ['HEAD', 'list', 'r'],
    ['GET', 'list', 'w'],
    ['POST', 'allocate', 'w'],
    ['POST', 'query', 'r'],
    ['POST', 'query', 'w'],
  ])('lets a %s to %s through with the %s key', async (method, handler, key) => {
    const { principal, refusal } = await call(SchedulerRoutes, handler, method, keyWith(key));
    expect(refusal).toBeUndefined();
    expect(principal).toEqual({
      kind: 'user',
      userId: OWNER,
      tenantId: 'acme',
      roles: ['user'],
      apiKey: { id: `key-${key}`, scopes: scopesOf[key] },
    });
  });

  it('needs <area>:write for every method but GET and HEAD, naming the scope it lacks', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(await call(SchedulerRoutes, 'allocate', method, keyWith('r'))).toEqual(
        scopeRefusal('scheduler:write'),
      );
    }
    const answer = await call(SchedulerRoutes, 'allocate', 'POST', keyWith('r'));
    expect(answer.refusal?.details).toEqual({ required: 'scheduler:write', scopes: ['scheduler:read'] });
  });

  it("takes the handler's area over its controller's, and a write scope of one area opens no other", async () => {
    expect(await call(SchedulerRoutes, 'me', 'GET', keyWith('a'))).toMatchObject({
      principal: { apiKey: { id: 'key-a' } },
    });
    expect(await call(SchedulerRoutes, 'me', 'GET', keyWith('w'))).toEqual(scopeRefusal('account:read'));
    expect(await call(SchedulerRoutes, 'list', 'GET', keyWith('a'))).toEqual(scopeRefusal('scheduler:read'));
  });

  it('refuses keys on routes that declare no area, which a user JWT still reaches', async () => {
    expect(await call(ClosedRoutes, 'keys', 'GET', keyWith('w'))).toEqual(scopeRefusal(null));
    const jwt = tokens.signUserToken({ sub: OWNER, roles: ['user'], tenantId: 'acme' }, 60);
    expect(await call(ClosedRoutes, 'keys', 'GET', jwt)).toMatchObject({ principal: { userId: OWNER } });
  });

  it("never gives a key its owner's admin role, and keeps service-only routes for services", async () => {
    expect(await call(SchedulerRoutes, 'stats', 'GET', keyWith('w'))).toEqual({
      refusal: { status: 403, code: 'FORBIDDEN', details: undefined },
    });
    const adminJwt = tokens.signUserToken({ sub: OWNER, roles: [ADMIN_ROLE], tenantId: 'acme' }, 60);
    expect((await call(SchedulerRoutes, 'stats', 'GET', adminJwt)).refusal).toBeUndefined();
    expect(await call(SchedulerRoutes, 'usage', 'POST', keyWith('w'))).toEqual({
      refusal: { status: 403, code: 'FORBIDDEN', details: undefined },
    });
    expect((await call(SchedulerRoutes, 'usage', 'POST', tokens.serviceToken())).refusal).toBeUndefined();
  });

  it('answers 401 API_KEY_INVALID for a key the verifier does not know, and for a malformed one without asking', async () => {
    expect(await call(SchedulerRoutes, 'list', 'GET', keyWith('z'))).toEqual({
      refusal: { status: 401, code: 'API_KEY_INVALID', details: undefined },
    });
    expect(verifier.verify).toHaveBeenCalledTimes(1);
    for (const malformed of [
      'cpk_short',
      `cpk_${'w'.repeat(10_000)}`,
      `${keyWith('w')}=`,
      'cpk_' + '€'.repeat(43),
    ]) {
      expect(await call(SchedulerRoutes, 'list', 'GET', malformed)).toMatchObject({
        refusal: { status: 401, code: 'API_KEY_INVALID' },
      });
    }
    expect(verifier.verify).toHaveBeenCalledTimes(1);
  });

  it("passes the verifier's 503 on (an unreachable user-service is not a bad key)", async () => {
    verifier.verify.mockRejectedValueOnce(
      new AppError('DEPENDENCY_UNAVAILABLE', 503, 'user-service is down'),
    );
    expect(await call(SchedulerRoutes, 'list', 'GET', keyWith('w'))).toEqual({
      refusal: { status: 503, code: 'DEPENDENCY_UNAVAILABLE', details: undefined },
    });
  });

  it('does not look a key up on a public route, and refuses every key without a verifier', async () => {
    expect(await call(SchedulerRoutes, 'open', 'GET', keyWith('z'))).toEqual({ principal: undefined });
    expect(verifier.verify).not.toHaveBeenCalled();
    const bare = new AuthenticationGuard(new Reflector(), tokens);
    const context = {
      getType: () => 'http',
      getHandler: () => SchedulerRoutes.prototype.list,
      getClass: () => SchedulerRoutes,
      switchToHttp: () => ({
        getRequest: () => ({ method: 'GET', header: () => `Bearer ${keyWith('w')}` }),
      }),
    } as unknown as ExecutionContext;
    await expect(bare.canActivate(context)).rejects.toMatchObject({ code: 'API_KEY_INVALID' });
  });
});
