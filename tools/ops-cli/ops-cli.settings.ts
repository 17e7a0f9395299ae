import { join } from 'node:path';
import { SERVICE_CATALOG, type ServiceName, serviceVariablePrefix } from '@cloudphone/contracts';
import { TokenService } from '@cloudphone/shared';
import { type ServiceDatabase, serviceDatabases } from '../migrate/service-databases';

/** How long a token the CLI signs itself stays valid: long enough for one command, no longer. */
const MINTED_TOKEN_SECONDS = 300;
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface ServiceEndpoint {
  name: ServiceName;
  url: string;
}

export interface OpsCliSettings {
  services: ServiceEndpoint[];
  databases: ServiceDatabase[];
  redisUrl: string;
  rabbitmqUrls: string[];
  /** The bearer token for the services' operator endpoints; throws when none can be had. */
  token(): string;
}

/** Thrown for settings the operator must fix; the message names the variable. */
export class OpsCliUsageError extends Error {}

/**
 * The CLI's settings, all from the environment it runs in (a shell with the deployment's variables,
 * a `kubectl exec` into any service pod, or `npm run`): where each service answers
 * (`<SERVICE>_URL`, default the catalog port on 127.0.0.1), the databases as `npm run migrate`
 * finds them, Redis and RabbitMQ, and a token: `CLOUDPHONE_TOKEN` (an admin's login token) or,
 * with `JWT_SECRET`, an admin token the CLI signs for five minutes.
 */
export function opsCliSettings(environment: Record<string, string | undefined>): OpsCliSettings {
  const services = Object.values(SERVICE_CATALOG).map((service) => {
    const variable = `${serviceVariablePrefix(service.name)}_URL`;
    const url = environment[variable] || `http://127.0.0.1:${service.port}`;
    if (!/^https?:\/\/[^/\s]+\/?$/.test(url)) {
      throw new OpsCliUsageError(`${variable} must be an http:// or https:// base URL, got "${url}"`);
    }
    return { name: service.name, url: url.replace(/\/$/, '') };
  });
  const repositoryRoot = join(__dirname, '..', '..', '..');
  return {
    services,
    databases: serviceDatabases(environment, repositoryRoot),
    redisUrl: environment.REDIS_URL || DEFAULT_REDIS_URL,
    rabbitmqUrls: (environment.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672')
      .split(',')
      .map((url) => url.trim()),
    token: () => {
      if (environment.CLOUDPHONE_TOKEN) return environment.CLOUDPHONE_TOKEN;
      const secret = environment.JWT_SECRET;
      if (!secret) {
        throw new OpsCliUsageError(
          'set CLOUDPHONE_TOKEN to an admin token, or JWT_SECRET to let the CLI sign a 5-minute admin token',
        );
      }
      // Only a user token is signed, so the service-token key is never used here.
      const tokens = new TokenService(secret, secret, 'ops-cli');
      const operator = environment.CLOUDPHONE_OPERATOR_ID || '00000000-0000-4000-8000-000000000000';
      return tokens.signUserToken({ sub: operator, roles: ['admin'], tenantId: null }, MINTED_TOKEN_SECONDS);
    },
  };
}
