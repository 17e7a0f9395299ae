import fc from 'fast-check';
import type { Caller, FuzzCase } from './fuzz-request';
import {
  BOUNDARY_STRINGS,
  HOSTILE_HEADERS,
  HOSTILE_JSON,
  HOSTILE_KEYS,
  HOSTILE_STRINGS,
  hostileBodies,
  hostileJsonArbitrary,
  hostileQueryStrings,
  hostileStringArbitrary,
  withKey,
} from './hostile-values';
import type { FuzzRoute } from './openapi-routes';
import { fieldPaths, plausibleBody, plausiblePathValue, type SeededIds } from './schema-values';

/** The request a route expects, as an admin: the starting point every mutation changes one thing of. */
export function baseCase(route: FuzzRoute, seeded: SeededIds): FuzzCase {
  const pathValues = Object.fromEntries(
    route.parameters
      .filter((parameter) => parameter.in === 'path')
      .map((parameter) => [parameter.name, plausiblePathValue(route, parameter.name, seeded)]),
  );
  const body = plausibleBody(route, seeded);
  return {
    route,
    label: 'base',
    caller: 'admin',
    pathValues,
    query: [],
    headers: {},
    body: body === undefined ? undefined : { json: body },
  };
}

const pathParameters = (route: FuzzRoute) => route.parameters.filter((parameter) => parameter.in === 'path');
const queryParameters = (route: FuzzRoute) =>
  route.parameters.filter((parameter) => parameter.in === 'query');
const takesBody = (route: FuzzRoute) => route.method !== 'GET';

/** Replaces the value at `path` inside a JSON body (creating objects along the way). */
function setField(body: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const container: Record<string, unknown> | unknown[] = Array.isArray(body)
    ? [...body]
    : body !== null && typeof body === 'object'
      ? { ...(body as Record<string, unknown>) }
      : {};
  const current = (container as Record<string, unknown>)[head];
  (container as Record<string, unknown>)[head] = setField(current, rest, value);
  return container;
}

function addKey(body: unknown, key: string, value: unknown): unknown {
  const target = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
  return withKey(target as Record<string, unknown>, key, value);
}

const jsonBody = (base: FuzzCase) => (base.body && 'json' in base.body ? base.body.json : {});

/**
 * The fixed corpus for one route, each hostile value once per place it can go: every path
 * parameter, a rotating query parameter, a rotating body field, the whole body, added keys, raw
 * bodies in every broken encoding, and hostile headers.
 */
export function corpusCases(route: FuzzRoute, seeded: SeededIds): FuzzCase[] {
  const base = baseCase(route, seeded);
  const cases: FuzzCase[] = [];
  const add = (label: string, change: Partial<FuzzCase>) => cases.push({ ...base, ...change, label });

  for (const parameter of pathParameters(route))
    for (const value of HOSTILE_STRINGS)
      add(`path ${parameter.name}=${JSON.stringify(value).slice(0, 40)}`, {
        pathValues: { ...base.pathValues, [parameter.name]: value },
      });

  const queries = queryParameters(route);
  if (queries.length > 0) {
    HOSTILE_STRINGS.forEach((value, index) => {
      const parameter = queries[index % queries.length];
      add(`query ${parameter.name}=${JSON.stringify(value).slice(0, 40)}`, {
        query: [[parameter.name, value]],
      });
    });
    for (const parameter of queries)
      for (const value of BOUNDARY_STRINGS)
        add(`query ${parameter.name}=${value}`, { query: [[parameter.name, value]] });
    for (const raw of hostileQueryStrings(queries[0].name))
      add(`query ${raw.slice(0, 60)}`, { rawQuery: raw });
  } else {
    for (const raw of hostileQueryStrings('page').slice(-8))
      add(`query ${raw.slice(0, 60)}`, { rawQuery: raw });
  }

  if (route.body) {
    const fields = fieldPaths(route.body);
    [...HOSTILE_STRINGS, ...HOSTILE_JSON].forEach((value, index) => {
      const field = fields[index % fields.length] ?? [];
      add(`field ${field.join('.')}=${String(JSON.stringify(value)).slice(0, 40)}`, {
        body: { json: setField(jsonBody(base), field, value) },
      });
    });
    for (const key of HOSTILE_KEYS)
      add(`key ${JSON.stringify(key).slice(0, 40)}`, { body: { json: addKey(jsonBody(base), key, 1) } });
    for (const value of HOSTILE_JSON)
      add(`body ${String(JSON.stringify(value)).slice(0, 40)}`, { body: { json: value } });
  }

  if (takesBody(route))
    for (const body of hostileBodies())
      add(`raw body: ${body.label}`, { body: { bytes: body.bytes }, headers: body.headers });

  for (const [name, value] of HOSTILE_HEADERS)
    add(`header ${name}: ${value.slice(0, 30)}`, { headers: { [name]: value } });
  for (const caller of ['user', 'service', 'none'] as Caller[]) add(`as ${caller}`, { caller });
  return cases;
}

/**
 * Generated cases for one route: one hostile change to the base request (generated values shrink
 * towards the smallest that still fails), sometimes as another caller.
 */
export function caseArbitrary(route: FuzzRoute, seeded: SeededIds): fc.Arbitrary<FuzzCase> {
  const base = baseCase(route, seeded);
  const changes: Array<fc.Arbitrary<Partial<FuzzCase>>> = [];
  const paths = pathParameters(route);
  if (paths.length > 0)
    changes.push(
      fc
        .record({
          name: fc.constantFrom(...paths.map((parameter) => parameter.name)),
          value: hostileStringArbitrary,
        })
        .map(({ name, value }) => ({
          label: `path ${name}`,
          pathValues: { ...base.pathValues, [name]: value },
        })),
    );
  const queries = queryParameters(route);
  const queryName = fc.oneof(
    fc.constantFrom(...(queries.length ? queries.map((parameter) => parameter.name) : ['page'])),
    hostileStringArbitrary,
  );
  changes.push(
    fc
      .array(fc.tuple(queryName, hostileStringArbitrary), { minLength: 1, maxLength: 3 })
      .map((query) => ({ label: 'query', query })),
  );
  if (route.body) {
    const fields = fieldPaths(route.body);
    if (fields.length > 0)
      changes.push(
        fc
          .record({ field: fc.constantFrom(...fields), value: hostileJsonArbitrary })
          .map(({ field, value }) => ({
            label: `field ${field.join('.')}`,
            body: { json: setField(jsonBody(base), field, value) },
          })),
      );
    changes.push(
      fc
        .record({
          key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), hostileStringArbitrary),
          value: hostileJsonArbitrary,
        })
        .map(({ key, value }) => ({
          label: 'added key',
          body: { json: addKey(jsonBody(base), key, value) },
        })),
    );
  }
  if (takesBody(route))
    changes.push(hostileJsonArbitrary.map((value) => ({ label: 'whole body', body: { json: value } })));
  const caller = fc.constantFrom<Caller>('admin', 'admin', 'admin', 'user', 'service', 'none');
  return fc.tuple(fc.oneof(...changes), caller).map(([change, who]) => ({
    ...base,
    ...change,
    caller: who,
    label: `${change.label ?? 'change'} as ${who}`,
  }));
}
