/** A JSON schema as @nestjs/swagger writes it (the parts the fuzzer reads). */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

export interface RouteParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Schema;
}

/** One operation of one service's OpenAPI document, with every `$ref` resolved. */
export interface FuzzRoute {
  service: string;
  method: string;
  /** OpenAPI template, e.g. `/users/{id}`. */
  path: string;
  parameters: RouteParameter[];
  body?: Schema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of a running service, read from its `/docs/openapi.json`. */
export async function loadRoutes(service: string, baseUrl: string): Promise<FuzzRoute[]> {
  const response = await fetch(`${baseUrl}/docs/openapi.json`);
  if (!response.ok) throw new Error(`${service}: /docs/openapi.json answered ${response.status}`);
  const document = (await response.json()) as OpenApiDocument;
  const resolve = resolver(document.components?.schemas ?? {});
  const routes: FuzzRoute[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHODS.includes(method)) continue;
      const parameters = (operation.parameters ?? [])
        .filter((parameter) => ['path', 'query', 'header'].includes(parameter.in))
        .map((parameter) => ({
          name: parameter.name,
          in: parameter.in as RouteParameter['in'],
          schema: resolve(parameter.schema ?? { type: 'string' }),
        }));
      // A path parameter the document forgot is still a parameter of the route.
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!parameters.some((parameter) => parameter.in === 'path' && parameter.name === name))
          parameters.push({ name, in: 'path', schema: { type: 'string' } });
      }
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      routes.push({
        service,
        method: method.toUpperCase(),
        path,
        parameters,
        body: bodySchema ? resolve(bodySchema) : undefined,
      });
    }
  }
  return routes;
}

/** Inlines `#/components/schemas/X` references (the documents have no cycles). */
function resolver(components: Record<string, Schema>): (schema: Schema) => Schema {
  const resolve = (schema: Schema, depth = 0): Schema => {
    if (depth > 20) throw new Error('OpenAPI schema nested too deep (a reference cycle?)');
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const target = components[name];
      if (!target) throw new Error(`OpenAPI reference ${schema.$ref} is not defined`);
      return resolve(target, depth + 1);
    }
    const resolved: Schema = { ...schema };
    if (schema.items) resolved.items = resolve(schema.items, depth + 1);
    if (schema.properties)
      resolved.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([name, property]) => [name, resolve(property, depth + 1)]),
      );
    return resolved;
  };
  return resolve;
}

/** `GET /users/{id}` */
export function routeLabel(route: FuzzRoute): string {
  return `${route.method} ${route.path}`;
}
