import { randomUUID } from 'node:crypto';
import { TokenService } from '../auth/token.service';
import type { TestSecrets } from './service-environment';

/** Signs tokens the way user-service and the services do, for calling a service under test. */
export class TestTokens {
  private readonly tokens: TokenService;

  constructor(secrets: TestSecrets, serviceName = 'test-caller') {
    this.tokens = new TokenService(secrets.jwtSecret, secrets.serviceTokenSecret, serviceName);
  }

  user(options: { userId?: string; roles?: string[]; tenantId?: string } = {}): string {
    return this.tokens.signUserToken(
      {
        sub: options.userId ?? randomUUID(),
        roles: options.roles ?? ['user'],
        tenantId: options.tenantId ?? 'default',
      },
      3600,
    );
  }

  admin(userId: string = randomUUID()): string {
    return this.user({ userId, roles: ['admin', 'user'] });
  }

  service(): string {
    return this.tokens.serviceToken();
  }
}
