import {
  type ApiKeyIntrospectionRequest,
  type ApiKeyIntrospectionResponse,
  SERVICE_CATALOG,
  USER_ROUTES,
} from '@cloudphone/contracts';
import type { AuthConfig } from '../auth/auth.config';
import type { ApiKeyGrant, ApiKeyVerifier } from '../auth/api-key-verifier';
import { CachingApiKeyVerifier } from '../auth/caching-api-key.verifier';
import { AppError } from '../errors/app-error';
import type { HttpClient } from '../http/http-client';
import { HttpClientError } from '../http/http-client.errors';
import type { HttpClientRegistry } from '../http/http-client.registry';
import { ServiceClient } from '../http/service-client';
import type { MetricsService } from '../metrics/metrics.service';

const OPERATION = 'api_key.introspect';

/**
 * user-service's API key introspection, called with the service token. Strict: while user-service
 * is unavailable a key can be neither accepted nor refused, so the request answers 503
 * DEPENDENCY_UNAVAILABLE (never 401, which would tell a client its valid key is bad).
 */
export class ApiKeyIntrospectionClient extends ServiceClient {
  constructor(http: HttpClient, metrics: MetricsService) {
    super(http, metrics);
  }

  /** Who the key acts for, or null when user-service says it acts for no one (401 API_KEY_INVALID). */
  async introspect(key: string): Promise<ApiKeyGrant | null> {
    let answer: ApiKeyIntrospectionResponse;
    try {
      answer = await this.strictCall(OPERATION, () =>
        // Retrying is safe: the call reads, and at most moves last_used_at forward.
        this.http.post<ApiKeyIntrospectionResponse>(
          USER_ROUTES.apiKeyIntrospect,
          { key } satisfies ApiKeyIntrospectionRequest,
          { idempotent: true },
        ),
      );
    } catch (error) {
      if (error instanceof HttpClientError && error.status === 401 && error.code === 'API_KEY_INVALID') {
        return null;
      }
      // Any other refusal (our service token refused, a 400) is a platform fault, not the caller's.
      if (error instanceof HttpClientError) throw unverifiable(`${error.status} ${error.code}`);
      throw error;
    }
    if (!isGrant(answer)) throw unverifiable('malformed introspection answer');
    return answer;
  }
}

/**
 * The verifier every service but user-service uses: introspection over HTTP at USER_SERVICE_URL,
 * answers remembered for API_KEY_CACHE_TTL_MS (valid) and API_KEY_INVALID_CACHE_TTL_MS (invalid).
 */
export function remoteApiKeyVerifier(
  registry: HttpClientRegistry,
  metrics: MetricsService,
  config: AuthConfig,
): ApiKeyVerifier {
  const client = new ApiKeyIntrospectionClient(
    registry.client({ name: SERVICE_CATALOG.user.name, baseUrl: config.userServiceUrl }),
    metrics,
  );
  return new CachingApiKeyVerifier((key) => client.introspect(key), {
    validTtlMs: config.apiKeyCacheTtlMs,
    invalidTtlMs: config.apiKeyInvalidCacheTtlMs,
  });
}

function unverifiable(reason: string): AppError {
  return new AppError('DEPENDENCY_UNAVAILABLE', 503, 'user-service cannot verify API keys right now', {
    dependency: SERVICE_CATALOG.user.name,
    operation: OPERATION,
    reason,
  });
}

function isGrant(value: unknown): value is ApiKeyGrant {
  const grant = value as Partial<ApiKeyGrant> | null;
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  return (
    typeof grant === 'object' &&
    grant !== null &&
    typeof grant.keyId === 'string' &&
    typeof grant.userId === 'string' &&
    typeof grant.tenantId === 'string' &&
    strings(grant.roles) &&
    strings(grant.scopes) &&
    (grant.expiresAt === null ||
      (typeof grant.expiresAt === 'string' && !Number.isNaN(Date.parse(grant.expiresAt))))
  );
}
