import type { FuzzRoute, Schema } from './openapi-routes';

/** Rows the fuzz run creates first, so a request built from a schema names things that exist. */
export interface SeededIds {
  userId: string;
  deviceId: string;
  allocationId: string;
  notificationId: string;
  /** A job every service runs, for `/internal/cron/{job}/…`. */
  cronJob: string;
}

/**
 * A plausible value for a schema: its example, else its first enum value or default, else the
 * smallest value its type and bounds allow. Uuids name the seeded user. A request built from these
 * gets past validation often enough that a mutation of one field reaches what is behind it.
 */
export function plausibleValue(schema: Schema, seeded: SeededIds): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 1, 1) }, () =>
        plausibleValue(schema.items ?? { type: 'string' }, seeded),
      );
    case 'object':
      return plausibleObject(schema, seeded);
    default:
      if (schema.format === 'uuid') return seeded.userId;
      if (schema.format === 'date-time') return new Date().toISOString();
      return 'fuzz-value'.padEnd(schema.minLength ?? 0, 'x');
  }
}

function plausibleObject(schema: Schema, seeded: SeededIds): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const wanted = schema.required?.includes(name) || property.example !== undefined;
    if (wanted) body[name] = plausibleValue(property, seeded);
  }
  return body;
}

/** The body a route expects, built from its schema (undefined when it takes none). */
export function plausibleBody(route: FuzzRoute, seeded: SeededIds): unknown {
  return route.body ? plausibleValue(route.body, seeded) : undefined;
}

/** A path parameter that names a seeded row of the right kind, so the handler runs past its lookup. */
export function plausiblePathValue(route: FuzzRoute, name: string, seeded: SeededIds): string {
  if (name === 'job') return seeded.cronJob;
  if (name === 'userId') return seeded.userId;
  if (route.path.startsWith('/devices/')) return seeded.deviceId;
  if (route.path.startsWith('/scheduler/allocations/')) return seeded.allocationId;
  if (route.path.startsWith('/notifications/')) return seeded.notificationId;
  return seeded.userId;
}

/** Every path to a field of a body schema (`requirements.cpuCores`, `items.0.userId`), for mutations. */
export function fieldPaths(schema: Schema | undefined, prefix: string[] = []): string[][] {
  if (!schema) return [];
  if (schema.type === 'array' && schema.items) return fieldPaths(schema.items, [...prefix, '0']);
  const paths: string[][] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    paths.push([...prefix, name]);
    paths.push(...fieldPaths(property, [...prefix, name]));
  }
  return paths;
}
