import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { SERVICE_CATALOG, type ServiceName } from '@cloudphone/contracts';
import {
  buildServiceOpenApiDocument,
  type Environment,
  type PlatformServiceConfig,
  type ServiceEntry,
} from '@cloudphone/shared';

export const SERVICES: ServiceName[] = Object.values(SERVICE_CATALOG).map((service) => service.name);

/**
 * Enough to pass each service's config validation and nothing more: the document is built
 * without connecting anywhere, so the addresses are never dialled and the secrets never used.
 * Standalone drivers, so no config asks for Redis or RabbitMQ.
 */
const DOCUMENT_ENVIRONMENT: Environment = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://openapi:openapi@127.0.0.1:1/openapi',
  COORDINATION_DRIVER: 'memory',
  EVENTS_TRANSPORT: 'memory',
  JWT_SECRET: 'openapi-document-'.padEnd(64, 'j'),
  SERVICE_TOKEN_SECRET: 'openapi-document-'.padEnd(64, 's'),
  VENDOR_CREDENTIALS_KEY: '0'.repeat(64),
  DOCS_ENABLED: 'true',
};

/** Where a service's committed document lives. */
export function openApiDocumentPath(repositoryRoot: string, service: ServiceName): string {
  return join(repositoryRoot, 'openapi', `${service}.json`);
}

/**
 * Builds a service's document from its entry point: `dist` for `npm run openapi` (tools may not
 * import apps; the build is what runs anyway), `src` under Jest, which compiles the sources as it
 * loads them, so the check sees the code as it is now rather than as last built.
 */
export async function buildOpenApiDocument(
  repositoryRoot: string,
  service: ServiceName,
  from: 'dist' | 'src',
): Promise<OpenAPIObject> {
  const base = from === 'dist' ? join(repositoryRoot, 'dist', 'apps') : join(repositoryRoot, 'apps');
  const { serviceEntry } = (await import(join(base, service, 'src', 'service-entry'))) as {
    serviceEntry: ServiceEntry<PlatformServiceConfig & { port: number }>;
  };
  return buildServiceOpenApiDocument(serviceEntry, DOCUMENT_ENVIRONMENT);
}

/** The committed form: stable key order as built, two-space indent, trailing newline. */
export function renderOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * Operations that do not say what they answer: no 2xx response with a body schema (a 204 needs
 * none), or no 4xx/5xx response. One line per problem, `METHOD /path: what is missing`.
 */
export function findUndocumentedResponses(document: OpenAPIObject): string[] {
  const problems: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const responses = Object.entries(operation.responses ?? {}) as Array<[string, { content?: object }]>;
      const success = responses.filter(([status]) => /^2\d\d$/.test(status));
      const described = success.some(([status, response]) => status === '204' || hasSchema(response));
      if (!described) problems.push(`${method.toUpperCase()} ${path}: no 2xx response with a schema`);
      if (!responses.some(([status]) => /^[45]\d\d$/.test(status)))
        problems.push(`${method.toUpperCase()} ${path}: no error response`);
    }
  }
  return problems;
}

function hasSchema(response: { content?: object }): boolean {
  return Object.values(response.content ?? {}).some(
    (media: { schema?: object }) => media.schema !== undefined && Object.keys(media.schema).length > 0,
  );
}
