import { CommonErrors } from '../errors/common.errors';
import { isStorableText, UNSTORABLE_REASON } from '../errors/storable-input';

export type FilterType = 'uuid' | 'string' | 'integer' | 'datetime' | 'boolean' | 'enum';
export type FilterOperator = '=' | '>' | '>=' | '<' | '<=' | 'isNull';

/**
 * The SQL type of an integer filter's column: a value outside it is refused with a 400 before it
 * reaches Postgres ("out of range for type integer" would be a 500).
 */
export type IntegerColumnType = 'smallint' | 'integer';

export const INTEGER_COLUMN_BOUNDS: Readonly<Record<IntegerColumnType, { min: number; max: number }>> = {
  smallint: { min: -32_768, max: 32_767 },
  integer: { min: -2_147_483_648, max: 2_147_483_647 },
};

interface FilterSpecBase {
  /** Entity property the filter applies to. */
  column: string;
  /**
   * How the value is compared (default `=`). `isNull` needs a `boolean` filter: `true` keeps rows
   * whose column IS NULL, `false` those where it IS NOT NULL (e.g. `unread` on `readAt`).
   */
  operator?: FilterOperator;
  /** Allowed values when type is `enum`. */
  values?: readonly string[];
}

/** An integer filter names its column's SQL type, which bounds the values it accepts. */
export type FilterSpec = FilterSpecBase &
  (
    | { type: 'integer'; columnType: IntegerColumnType }
    | { type: Exclude<FilterType, 'integer'>; columnType?: never }
  );

export interface ListQuerySpec {
  /** Public sort names → entity property; anything else in `sort` is refused. */
  sortable: Record<string, string>;
  /** e.g. `-createdAt` (newest first). */
  defaultSort: string;
  filters?: Record<string, FilterSpec>;
  defaultLimit?: number;
  maxLimit?: number;
}

export interface SortOrder {
  column: string;
  direction: 'ASC' | 'DESC';
}

export interface FilterCondition {
  name: string;
  column: string;
  operator: FilterOperator;
  value: string | number | boolean | Date;
}

export interface ListQuery {
  page: number;
  limit: number;
  offset: number;
  sort: SortOrder[];
  filters: FilterCondition[];
}

const MAX_PAGE = 100_000;
const PAGING_PARAMETERS = ['page', 'limit', 'sort'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SORT_TERM = /^(-)?([A-Za-z][A-Za-z0-9]*)(?::(asc|desc))?$/;

/**
 * Parses `?page=&limit=&sort=&<filters>` against a whitelist. Every malformed or unknown parameter
 * is refused with VALIDATION_FAILED naming it, so a list endpoint never guesses.
 */
export function parseListQuery(query: Record<string, unknown>, spec: ListQuerySpec): ListQuery {
  const maxLimit = spec.maxLimit ?? 100;
  const problems: Array<{ field: string; reasons: string[] }> = [];
  const fail = (field: string, reason: string) => problems.push({ field, reasons: [reason] });
  const filterSpecs = spec.filters ?? {};

  // Own properties only: `constructor` or `__proto__` must not find Object.prototype's members.
  for (const [name, value] of Object.entries(query)) {
    if (!PAGING_PARAMETERS.includes(name) && !Object.hasOwn(filterSpecs, name))
      fail(isStorableText(name) ? name : JSON.stringify(name), 'unknown query parameter');
    else if (typeof value !== 'string') fail(name, 'must be given once, as a single value');
  }

  const page = parseBoundedInteger(query.page, 1, 1, MAX_PAGE, 'page', fail);
  const limit = parseBoundedInteger(query.limit, spec.defaultLimit ?? 20, 1, maxLimit, 'limit', fail);
  const sort = parseSort(typeof query.sort === 'string' ? query.sort : spec.defaultSort, spec, fail);
  const filters: FilterCondition[] = [];
  for (const [name, filter] of Object.entries(filterSpecs)) {
    assertWellFormed(name, filter);
    const raw = Object.hasOwn(query, name) ? query[name] : undefined;
    if (typeof raw !== 'string') continue;
    const value = parseFilterValue(raw, filter);
    if (value === undefined) fail(name, describeFilter(filter));
    else filters.push({ name, column: filter.column, operator: filter.operator ?? '=', value });
  }

  if (problems.length > 0) {
    const summary = problems.map((problem) => `${problem.field}: ${problem.reasons.join(', ')}`).join('; ');
    throw CommonErrors.validationFailed(summary, problems);
  }
  return { page, limit, offset: (page - 1) * limit, sort, filters };
}

/** A spec mistake is the developer's: it fails the first request loudly, not the caller. */
function assertWellFormed(name: string, filter: FilterSpec): void {
  if (filter.operator === 'isNull' && filter.type !== 'boolean')
    throw new Error(`List filter ${name}: operator isNull needs type boolean`);
  if (filter.type === 'integer' && !Object.hasOwn(INTEGER_COLUMN_BOUNDS, filter.columnType))
    throw new Error(`List filter ${name}: an integer filter needs columnType (smallint or integer)`);
}

function parseBoundedInteger(
  raw: unknown,
  fallback: number,
  min: number,
  max: number,
  field: string,
  fail: (field: string, reason: string) => void,
): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    fail(field, `must be an integer between ${min} and ${max}`);
    return fallback;
  }
  return Number(raw);
}

function parseSort(
  raw: string,
  spec: ListQuerySpec,
  fail: (field: string, reason: string) => void,
): SortOrder[] {
  const terms = raw.split(',').filter((term) => term.length > 0);
  if (terms.length === 0 || terms.length > 3) {
    fail('sort', 'must name one to three fields');
    return [];
  }
  const orders: SortOrder[] = [];
  for (const term of terms) {
    const match = SORT_TERM.exec(term);
    const column = match && Object.hasOwn(spec.sortable, match[2]) ? spec.sortable[match[2]] : undefined;
    if (!match || column === undefined || (match[1] && match[3])) {
      fail(
        'sort',
        `${JSON.stringify(term.slice(0, 40))} is not sortable; use one of ${Object.keys(spec.sortable).join(', ')}`,
      );
      continue;
    }
    const descending = match[1] === '-' || match[3] === 'desc';
    orders.push({ column, direction: descending ? 'DESC' : 'ASC' });
  }
  return orders;
}

function parseFilterValue(raw: string, filter: FilterSpec): FilterCondition['value'] | undefined {
  switch (filter.type) {
    case 'uuid':
      return UUID.test(raw) ? raw.toLowerCase() : undefined;
    case 'string':
      return raw.length > 0 && raw.length <= 200 && isStorableText(raw) ? raw : undefined;
    case 'integer': {
      const { min, max } = INTEGER_COLUMN_BOUNDS[filter.columnType];
      const value = /^-?\d{1,15}$/.test(raw) ? Number(raw) : NaN;
      return value >= min && value <= max ? value : undefined;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'enum':
      return filter.values?.includes(raw) ? raw : undefined;
    case 'datetime': {
      if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(raw)) return undefined;
      const date = new Date(raw);
      return Number.isNaN(date.getTime()) ? undefined : date;
    }
  }
}

function describeFilter(filter: FilterSpec): string {
  switch (filter.type) {
    case 'uuid':
      return 'must be a UUID';
    case 'string':
      return `must be 1 to 200 characters and ${UNSTORABLE_REASON}`;
    case 'integer': {
      const { min, max } = INTEGER_COLUMN_BOUNDS[filter.columnType];
      return `must be an integer between ${min} and ${max}`;
    }
    case 'boolean':
      return 'must be true or false';
    case 'enum':
      return `must be one of ${(filter.values ?? []).join(', ')}`;
    case 'datetime':
      return 'must be an ISO 8601 date or date-time';
  }
}

/**
 * The parsed query as key parts (for `cacheKey(...)`): page, limit, sort, then each filter's name
 * and value, filters in name order, so the same query always gives the same parts and different
 * queries different ones.
 */
export function listQueryKeyParts(query: ListQuery): string[] {
  const sort = query.sort.map((term) => `${term.direction === 'DESC' ? '-' : ''}${term.column}`).join(',');
  const filters = [...query.filters]
    .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0))
    .flatMap((filter) => [
      filter.name,
      filter.value instanceof Date ? filter.value.toISOString() : String(filter.value),
    ]);
  return [String(query.page), String(query.limit), sort, ...filters];
}
