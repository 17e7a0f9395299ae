import { Injectable } from '@nestjs/common';
import { apiKeyPrincipal, type ApiKeyVerifier, type UserPrincipal } from '@cloudphone/shared';
import { ApiKeysService } from './api-keys.service';

/**
 * How user-service verifies the keys sent to its own routes: in its database, not over HTTP to
 * itself, and not cached, so a revocation or a suspension holds here from its commit.
 */
@Injectable()
export class LocalApiKeyVerifier implements ApiKeyVerifier {
  constructor(private readonly keys: ApiKeysService) {}

  async verify(key: string): Promise<UserPrincipal | null> {
    const grant = await this.keys.introspect(key);
    return grant && apiKeyPrincipal(grant);
  }
}
